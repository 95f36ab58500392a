-- Flyway creates the schema; no other service reads or writes it.
comment on schema task_center is 'Owned by task-center-service: tasks and their status history.';
