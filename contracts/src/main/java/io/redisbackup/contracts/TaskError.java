package io.redisbackup.contracts;

/** Why a task failed: a stable {@code code} for programs (e.g. {@code INSTANCE_UNREACHABLE}) and a sentence for people. */
public record TaskError(String code, String message) {
}
