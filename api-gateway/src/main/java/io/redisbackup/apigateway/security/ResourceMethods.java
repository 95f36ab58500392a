package io.redisbackup.apigateway.security;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/** The Java method a request was matched to, to read its annotations. */
final class ResourceMethods {

    private ResourceMethods() {
    }

    static Optional<Method> of(SimpleResourceInfo info) {
        if (info == null || info.getResourceClass() == null) {
            return Optional.empty();
        }
        return Arrays.stream(info.getResourceClass().getMethods())
                .filter(m -> m.getName().equals(info.getMethodName())
                        && Arrays.equals(m.getParameterTypes(), info.parameterTypes()))
                .findFirst();
    }
}
