package tech.onceonly.spring.aop;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.TypeFactory;

import tech.onceonly.client.ResultObjects;

/**
 * Turns a stored result object back into a method's declared type, generics included,
 * with the application's {@link JsonMapper} and without polymorphic typing: only the live
 * declared type is ever instantiated.
 * <p>
 * Types that serialise to a JSON object (records, beans, maps) are read from the stored
 * object itself; every other type (strings, numbers, booleans, enums, collections,
 * arrays, {@code Object}) is read from its {@code "value"} field, mirroring
 * {@link ResultObjects#toResultObject}.
 */
final class ResultConverter {

	private final JsonMapper json;

	private final Map<ResolvableType, JavaType> types = new ConcurrentHashMap<>();

	ResultConverter(JsonMapper json) {
		this.json = json;
	}

	@Nullable Object convert(@Nullable Map<String, Object> stored, ResolvableType declared) {
		Class<?> raw = declared.resolve(Object.class);
		if (raw == Void.class || raw == void.class) {
			return null;
		}
		if (raw == Optional.class) {
			Object inner = convert(stored, declared.getGeneric(0));
			return Optional.ofNullable(inner);
		}
		if (stored == null) {
			return null;
		}
		JavaType type = this.types.computeIfAbsent(declared, this::javaType);
		boolean wrapped = stored.size() == 1 && stored.containsKey(ResultObjects.VALUE_FIELD);
		if (!wrapped || type.isMapLikeType() || isObjectType(type)) {
			return this.json.convertValue(stored, type);
		}
		return this.json.convertValue(stored.get(ResultObjects.VALUE_FIELD), type);
	}

	private static boolean isObjectType(JavaType type) {
		Class<?> raw = type.getRawClass();
		return !(type.isContainerType() || type.isPrimitive() || type.isEnumType() || type.isReferenceType()
				|| raw == Object.class || ClassUtils.isSimpleValueType(raw) || raw.getName().startsWith("java."));
	}

	private JavaType javaType(ResolvableType declared) {
		TypeFactory factory = this.json.getTypeFactory();
		if (declared.isArray()) {
			return factory.constructArrayType(javaType(declared.getComponentType()));
		}
		Class<?> raw = ClassUtils.resolvePrimitiveIfNecessary(declared.resolve(Object.class));
		ResolvableType[] generics = declared.getGenerics();
		if (generics.length == 0 || declared.hasUnresolvableGenerics()) {
			return factory.constructType(raw);
		}
		JavaType[] parameters = new JavaType[generics.length];
		for (int i = 0; i < generics.length; i++) {
			parameters[i] = javaType(generics[i]);
		}
		return factory.constructParametricType(raw, parameters);
	}

}
