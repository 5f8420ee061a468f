package tech.onceonly.store.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseState;

/**
 * A completed or failed lease held as one {@code byte[]}: the state, version and times as
 * fixed fields, then the result, its hash, the error code and the metadata, each as a
 * length and its characters (one byte per character when all are Latin-1, two when one is
 * not, so every string comes back exactly as given, lone surrogates included). A finished
 * entry is kept for its whole retention and only read, so it is decoded only when read;
 * one array instead of an entry object and two objects per string is what the garbage
 * collector copies and marks for it.
 * <p>
 * Layout: {@code state(1) kinds(1) version(8) firstSeenAt(8) expiresAt(8) doneAt(8)},
 * where {@code kinds} holds two bits per string (absent, Latin-1, two bytes per
 * character, or lowercase hexadecimal of even length such as a SHA-256 fingerprint, two
 * characters per byte), then for each string present its length in characters as an
 * unsigned LEB128 varint (one byte below 128) and its characters.
 */
final class FinishedLease {

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final int KINDS = 1;

	private static final int VERSION = 2;

	private static final int FIRST_SEEN_AT = 10;

	private static final int EXPIRES_AT = 18;

	private static final int DONE_AT = 26;

	/** The bytes of the fixed fields before the strings. */
	static final int FIXED_BYTES = 34;

	private static final int ABSENT = 0;

	private static final int LATIN1 = 1;

	private static final int WIDE = 2;

	private static final int HEX = 3;

	private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

	private static final LeaseState[] STATES = LeaseState.values();

	private FinishedLease() {
	}

	/**
	 * The entry of a lease finished in {@code state} ({@code COMPLETED} or
	 * {@code FAILED}).
	 */
	static byte[] encode(LeaseState state, long version, long firstSeenAt, long expiresAt, long doneAt,
			@Nullable String resultJson, @Nullable String resultHash, @Nullable String errorCode,
			@Nullable String metadataJson) {
		int resultKind = kind(resultJson);
		int hashKind = kind(resultHash);
		int errorKind = kind(errorCode);
		int metadataKind = kind(metadataJson);
		int size = FIXED_BYTES + encodedSize(resultJson, resultKind) + encodedSize(resultHash, hashKind)
				+ encodedSize(errorCode, errorKind) + encodedSize(metadataJson, metadataKind);
		byte[] entry = new byte[size];
		entry[0] = (byte) state.ordinal();
		entry[KINDS] = (byte) (resultKind | (hashKind << 2) | (errorKind << 4) | (metadataKind << 6));
		LONGS.set(entry, VERSION, version);
		LONGS.set(entry, FIRST_SEEN_AT, firstSeenAt);
		LONGS.set(entry, EXPIRES_AT, expiresAt);
		LONGS.set(entry, DONE_AT, doneAt);
		int at = FIXED_BYTES;
		at = write(entry, at, resultJson, resultKind);
		at = write(entry, at, resultHash, hashKind);
		at = write(entry, at, errorCode, errorKind);
		write(entry, at, metadataJson, metadataKind);
		return entry;
	}

	static LeaseState state(byte[] entry) {
		return STATES[entry[0]];
	}

	static long version(byte[] entry) {
		return (long) LONGS.get(entry, VERSION);
	}

	static long firstSeenAt(byte[] entry) {
		return (long) LONGS.get(entry, FIRST_SEEN_AT);
	}

	static long expiresAt(byte[] entry) {
		return (long) LONGS.get(entry, EXPIRES_AT);
	}

	/** The entry as the store's record, its strings decoded. */
	static LeaseRecord toRecord(byte[] entry, String key, long now) {
		String[] strings = new String[4];
		int at = FIXED_BYTES;
		int kinds = entry[KINDS] & 0xFF;
		for (int i = 0; i < strings.length; i++) {
			at = read(entry, at, (kinds >>> (2 * i)) & 3, strings, i);
		}
		long doneAt = (long) LONGS.get(entry, DONE_AT);
		return new LeaseRecord(key, state(entry), null, version(entry), Instant.ofEpochMilli(firstSeenAt(entry)),
				Instant.ofEpochMilli(expiresAt(entry)), (doneAt != 0) ? Instant.ofEpochMilli(doneAt) : null, strings[0],
				strings[1], strings[2], strings[3], Instant.ofEpochMilli(now));
	}

	/** Whether every character of {@code text} is Latin-1 (one byte each). */
	static boolean isLatin1(String text) {
		int length = text.length();
		for (int i = 0; i < length; i++) {
			if (text.charAt(i) > 0xFF) {
				return false;
			}
		}
		return true;
	}

	private static int kind(@Nullable String text) {
		return (text == null) ? ABSENT : isHex(text) ? HEX : isLatin1(text) ? LATIN1 : WIDE;
	}

	private static boolean isHex(String text) {
		int length = text.length();
		if (length == 0 || (length & 1) != 0) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
				return false;
			}
		}
		return true;
	}

	private static int nibble(char c) {
		return (c <= '9') ? c - '0' : c - 'a' + 10;
	}

	private static int encodedSize(@Nullable String text, int kind) {
		if (text == null) {
			return 0;
		}
		int length = text.length();
		int size = 1;
		for (int rest = length >>> 7; rest != 0; rest >>>= 7) {
			size++;
		}
		return size + ((kind == WIDE) ? 2 * length : (kind == HEX) ? length / 2 : length);
	}

	private static int write(byte[] entry, int at, @Nullable String text, int kind) {
		if (text == null) {
			return at;
		}
		int length = text.length();
		int next = at;
		int rest = length;
		while ((rest & ~0x7F) != 0) {
			entry[next++] = (byte) ((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		entry[next++] = (byte) rest;
		if (kind == WIDE) {
			for (int i = 0; i < length; i++) {
				char c = text.charAt(i);
				entry[next++] = (byte) (c >>> 8);
				entry[next++] = (byte) c;
			}
		}
		else if (kind == HEX) {
			for (int i = 0; i < length; i += 2) {
				entry[next++] = (byte) ((nibble(text.charAt(i)) << 4) | nibble(text.charAt(i + 1)));
			}
		}
		else {
			for (int i = 0; i < length; i++) {
				entry[next++] = (byte) text.charAt(i);
			}
		}
		return next;
	}

	private static int read(byte[] entry, int at, int kind, @Nullable String[] strings, int index) {
		if (kind == ABSENT) {
			strings[index] = null;
			return at;
		}
		int length = 0;
		int shift = 0;
		int next = at;
		byte b;
		do {
			b = entry[next++];
			length |= (b & 0x7F) << shift;
			shift += 7;
		}
		while (b < 0);
		if (kind == LATIN1) {
			strings[index] = new String(entry, next, length, StandardCharsets.ISO_8859_1);
			return next + length;
		}
		if (kind == HEX) {
			byte[] digits = new byte[length];
			for (int i = 0; i < length; i += 2) {
				int packed = entry[next++] & 0xFF;
				digits[i] = HEX_DIGITS[packed >>> 4];
				digits[i + 1] = HEX_DIGITS[packed & 0xF];
			}
			strings[index] = new String(digits, StandardCharsets.ISO_8859_1);
			return next;
		}
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = (char) (((entry[next] & 0xFF) << 8) | (entry[next + 1] & 0xFF));
			next += 2;
		}
		strings[index] = new String(chars);
		return next;
	}

}
