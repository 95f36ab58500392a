package io.redisbackup.apigateway.rest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** A limit that is 0 (none) or at least {@link #value}; null (not given) passes. */
@Documented
@Constraint(validatedBy = NoneOrAtLeast.Check.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
public @interface NoneOrAtLeast {

    long value();

    String message() default "must be 0 (none) or at least {value}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<NoneOrAtLeast, Long> {
        private long least;

        @Override
        public void initialize(NoneOrAtLeast annotation) {
            least = annotation.value();
        }

        @Override
        public boolean isValid(Long limit, ConstraintValidatorContext context) {
            return limit == null || limit == 0 || limit >= least;
        }
    }
}
