package tech.onceonly;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type, or every type of a package, as internal to OnceOnly: public only because
 * another package of the library uses it. It is not part of the API a user programs
 * against and may change or disappear in any release without notice. Types without this
 * mark are user-facing.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ ElementType.TYPE, ElementType.PACKAGE })
public @interface Internal {

}
