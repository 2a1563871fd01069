package pro.codai.api.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The resource is for the appliance's administrator: {@code Authorization: Bearer <admin token>},
 * the token configured as {@code codaipro.admin.token}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresAdminToken {}
