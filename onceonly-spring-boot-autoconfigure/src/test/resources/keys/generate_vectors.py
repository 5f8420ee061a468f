"""Generates the key-derivation vectors the Java tests compare with (issue 17).

Run with python3 (3.9+) from this directory:  python3 generate_vectors.py
It writes key-vectors.json and float-repr.txt next to itself.

The two digests follow the wire reference (onceonly-wire.md, sections 4.5 and 4.7), as
the Python SDK computes them:

* function keys (@idempotent): each positional and keyword argument becomes its own
  JSON text, json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
  default=str); when that raises, str(value) cut to 2048 characters plus an ellipsis.
  The payload {"v", "fn", "args": [texts], "kwargs": {name: text}} is then dumped the
  same way (without default) and hashed with SHA-256 (UTF-8).
* tool inputs (LangChain tools): a dict input is {"args": (), "kwargs": input sorted by
  key}, anything else {"args": (input,), "kwargs": {}}; dumped with a default that turns
  bytes into hex and anything else into str(); when that raises, str(payload) is hashed.

Inputs are described in a typed JSON form the Java test decodes the same way:
  {"t": "none"} {"t": "bool", "v": true} {"t": "int", "v": "12"} {"t": "float", "v": "<float.hex()>"}
  {"t": "str", "v": "..."} {"t": "bytes", "v": "<hex>"} {"t": "decimal", "v": "1.50"}
  {"t": "list", "v": [...]} {"t": "set", "v": [...]} {"t": "map", "v": [[key, value], ...]}
  {"t": "date", "v": "2024-01-02"} {"t": "datetime", "v": "<isoformat>"} {"t": "time", "v": "<isoformat>"}
"""

import datetime
import decimal
import hashlib
import json
import math
import random


def decode(node):
    t, v = node["t"], node.get("v")
    if t == "none":
        return None
    if t == "bool":
        return bool(v)
    if t == "int":
        return int(v)
    if t == "float":
        if v in ("inf", "-inf", "nan"):
            return float(v)
        return float.fromhex(v)
    if t == "str":
        return v
    if t == "bytes":
        return bytes.fromhex(v)
    if t == "decimal":
        return decimal.Decimal(v)
    if t == "list":
        return [decode(x) for x in v]
    if t == "set":
        return {decode(x) for x in v}
    if t == "map":
        return {decode(k): decode(x) for k, x in v}
    if t == "date":
        return datetime.date.fromisoformat(v)
    if t == "datetime":
        return datetime.datetime.fromisoformat(v)
    if t == "time":
        return datetime.time.fromisoformat(v)
    raise ValueError(t)


def dumps(value, **kw):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), **kw)


def cut(text, limit=2048):
    return text if len(text) <= limit else text[:limit] + "\u2026"


def argument_text(value):
    try:
        return dumps(value, default=str)
    except Exception:
        return cut(str(value))


def function_payload(version, fn, args, kwargs):
    payload = {
        "v": version,
        "fn": fn,
        "args": [argument_text(a) for a in args],
        "kwargs": {k: argument_text(v) for k, v in sorted(kwargs.items())},
    }
    return dumps(payload)


def tool_default(value):
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return str(value)


def tool_payload(tool_input):
    if isinstance(tool_input, dict):
        args, kwargs = (), tool_input
    else:
        args, kwargs = (tool_input,), {}
    payload = {"args": args, "kwargs": {k: v for k, v in sorted(kwargs.items())}}
    try:
        return dumps(payload, default=tool_default)
    except Exception:
        return str(payload)


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- typed constructors

def n():
    return {"t": "none"}


def b(v):
    return {"t": "bool", "v": v}


def i(v):
    return {"t": "int", "v": str(v)}


def f(v):
    if math.isinf(v) or math.isnan(v):
        return {"t": "float", "v": str(v)}
    return {"t": "float", "v": float.hex(v)}


def s(v):
    return {"t": "str", "v": v}


def by(v):
    return {"t": "bytes", "v": v.hex()}


def dec(v):
    return {"t": "decimal", "v": v}


def lst(*v):
    return {"t": "list", "v": list(v)}


def st(*v):
    return {"t": "set", "v": list(v)}


def mp(*pairs):
    return {"t": "map", "v": [list(p) for p in pairs]}


def date(v):
    return {"t": "date", "v": v}


def dt(v):
    return {"t": "datetime", "v": v}


def tm(v):
    return {"t": "time", "v": v}


VALUES = {
    "int_keys": mp((i(10), s("a")), (i(2), s("b")), (i(1), s("c")), (i(-3), s("d"))),
    "float_and_int_keys": mp((f(2.5), i(1)), (i(2), i(2)), (f(-0.5), i(3)), (b(True), i(4))),
    "negative_zero_key": mp((f(-0.0), s("z")), (i(5), s("y"))),
    "single_none_key": mp((n(), i(1))),
    "mixed_keys": mp((s("b"), i(1)), (i(1), s("one")), (s("a"), lst(f(0.5), n(), b(False), s("it's")))),
    "none_and_str_keys": mp((n(), i(1)), (s("a"), i(2))),
    "nested_mixed_keys": mp((s("outer"), mp((i(1), s("x")), (s("y"), f(1e16))))),
    "bytes": by(b"\x00ab'\"\\\n\x7f\xff"),
    "bytes_in_map": mp((s("blob"), by(b"\x01\xab"))),
    "negative_zero": f(-0.0),
    "negative_zero_in_list": lst(f(-0.0), f(0.0), i(0)),
    "set_of_small_ints": st(i(3), i(1), i(2)),
    "empty_set": st(),
    "set_in_map": mp((s("ids"), st(i(5), i(4)))),
    "date": date("2024-01-02"),
    "datetime": dt("2024-01-02T03:04:05"),
    "datetime_micros": dt("2024-01-02T03:04:05.123400"),
    "datetime_utc": dt("2024-01-02T03:04:05+00:00"),
    "datetime_offset": dt("2024-01-02T03:04:05.000001-05:30"),
    "time": tm("23:59:58.500000"),
    "dates_in_map": mp((s("on"), date("2026-12-02")), (s("at"), dt("2026-12-02T20:40:00"))),
    "decimal": dec("1.50"),
    "decimal_exponent": dec("1E+2"),
    "shortest_double": f(5.299064834871378e+16),
    "doubles": lst(f(0.1), f(0.30000000000000004), f(1e-7), f(1e16), f(123456789.12345679), f(2.0 ** -1074),
                   f(1.7976931348623157e308), f(float("inf")), f(float("-inf")), f(float("nan")), f(9007199254740993.0)),
    "unicode_strings": lst(s("\u00e9\u2028\u007f\n\u0001\U0001F600"), s("tab\tquote\"back\\")),
    "repr_strings_mixed": mp((i(1), s("it's")), (s("k"), s("both ' and \"")), (s("u"), s("\u00e9\u0085\u200b\t"))),
    "big_int": i(123456789012345678901234567890),
    "bool_keys": mp((b(False), s("f")), (b(True), s("t"))),
}

FUNCTION_CASES = [
    ("send_email", "v1", "__main__.send_email", [s("alice@example.com"), s("Welcome")], {}),
    ("key_id_kwargs", "v1", "billing.charge", [s("c_1")], {"amount": i(100)}),
]
for name, value in VALUES.items():
    FUNCTION_CASES.append(("arg_" + name, "v1", "tests.fn", [value], {}))
    FUNCTION_CASES.append(("kwarg_" + name, "v1", "tests.fn", [], {"x": value, "a": i(1)}))
FUNCTION_CASES.append(("long_mixed_keys_cut", "v1", "tests.fn",
                       [mp((i(1), s("x" * 3000)), (s("a"), i(2)))], {}))

TOOL_CASES = [("tool_" + name, value) for name, value in VALUES.items()]
TOOL_CASES += [
    ("tool_sdk_ab", mp((s("a"), i(1)), (s("b"), i(2)))),
    ("tool_sdk_hello", s("hello")),
    ("tool_sdk_mixed", mp((s("user_id"), s("u_100")), (s("amount"), i(50)))),
    ("tool_top_level_int_keys", mp((i(10), s("a")), (i(9), s("b")))),
]


def main():
    vectors = []
    for name, version, fn, args, kwargs in FUNCTION_CASES:
        payload = function_payload(version, fn, [decode(a) for a in args], {k: decode(v) for k, v in kwargs.items()})
        vectors.append({"name": name, "kind": "function", "version": version, "fn": fn, "args": args,
                        "kwargs": kwargs, "payload": payload, "digest": sha(payload)})
    for name, value in TOOL_CASES:
        decoded = decode(value)
        try:
            payload = tool_payload(decoded)
        except TypeError as ex:
            vectors.append({"name": name, "kind": "tool", "input": value, "error": "TypeError: " + str(ex)})
            continue
        vectors.append({"name": name, "kind": "tool", "input": value, "payload": payload, "digest": sha(payload)})
    vectors.append({"name": "tool_top_level_mixed_keys", "kind": "tool",
                    "input": mp((s("a"), i(1)), (i(2), i(2))), "error": "TypeError"})
    with open("key-vectors.json", "w", encoding="utf-8") as out:
        json.dump({"generated_by": "generate_vectors.py", "vectors": vectors}, out, ensure_ascii=False, indent=1)
        out.write("\n")

    rng = random.Random(17)
    lines = []
    while len(lines) < 4000:
        kind = len(lines) % 4
        if kind == 0:
            bits = rng.getrandbits(64)
            value = __import__("struct").unpack("<d", bits.to_bytes(8, "little"))[0]
        elif kind == 1:
            value = rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30)
        elif kind == 2:
            value = rng.randint(1, 10 ** 17) * 10.0 ** rng.randint(-20, 5)
        else:
            value = round(rng.uniform(0, 1000), rng.randint(0, 8))
        if math.isnan(value) or math.isinf(value):
            continue
        lines.append(float.hex(value) + " " + repr(value) + " " + dumps(value))
    with open("float-repr.txt", "w", encoding="utf-8") as out:
        out.write("# <float.hex()> <repr(value)> <json.dumps(value)>, random doubles (seed 17), from generate_vectors.py\n")
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
