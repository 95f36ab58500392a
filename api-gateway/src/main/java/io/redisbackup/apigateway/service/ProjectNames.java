package io.redisbackup.apigateway.service;

import java.util.regex.Pattern;

/** What a project is called: lower-case letters, digits, '.', '_' and '-', up to 63; {@value #ALL} means every one. */
public final class ProjectNames {

    public static final String ALL = "*";
    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private ProjectNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** What the API says of a name that is not one. */
    public static final String RULE = "must be 1 to 63 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
}
