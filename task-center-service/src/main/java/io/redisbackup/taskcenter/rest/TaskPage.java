package io.redisbackup.taskcenter.rest;

import java.util.List;

/** One page of tasks, newest first, and how many match in all. */
public record TaskPage(List<TaskView> items, int page, int size, long total) {
}
