package io.redisbackup.apigateway.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a caller may do, each role including the ones before it: a viewer reads; an operator also backs up,
 * recovers, sets policies and downloads backups; an admin also registers, changes and removes instances, deletes
 * backups and manages tokens. Resource methods name the weakest role they need with {@code @RolesAllowed}.
 */
public enum Role {
    VIEWER,
    OPERATOR,
    ADMIN;

    /** The names {@code @RolesAllowed} uses. */
    public static final String VIEWER_NAME = "viewer";
    public static final String OPERATOR_NAME = "operator";
    public static final String ADMIN_NAME = "admin";

    /** Its name in the API and in {@code @RolesAllowed}: lower case. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role names a caller with this role holds: its own and every weaker one. */
    public Set<String> granted() {
        return Arrays.stream(values()).filter(role -> role.ordinal() <= ordinal()).map(Role::apiName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The role of this API name, or null. */
    public static Role ofApiName(String name) {
        return name == null ? null : Arrays.stream(values()).filter(role -> role.apiName().equals(name))
                .findFirst().orElse(null);
    }
}
