-- The worker's attempt at a task (1, then 2 and 3 for retries after a worker stopped), on the task and on each line
-- of its history; and whether the task has had no news for task-center.stalled-after (said once, not final: the
-- workers decide when a task is lost, as only they can fence it).
alter table task add column attempt integer;
alter table task add column stalled boolean not null default false;
alter table task_status_change add column attempt integer;
drop index task_running;
create index task_active on task (status, updated_at) where status in ('RUNNING', 'DELAYED');
