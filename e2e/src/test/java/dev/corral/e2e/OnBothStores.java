package dev.corral.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of the class once per store the coordinator runs on (embedded H2, then a
 * fresh PostgreSQL schema); the class takes the store in a {@code @Parameter TestNetwork.Store}
 * field, as {@link NetworkTest} does.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ParameterizedClass(name = "on {0}")
@EnumSource(TestNetwork.Store.class)
public @interface OnBothStores {}
