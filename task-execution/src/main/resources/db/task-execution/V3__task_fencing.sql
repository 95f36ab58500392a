-- Fencing. heartbeat_at is renewed every few seconds by the worker running the attempt; an attempt whose heartbeat
-- is older than task-execution.lost-after is LOST: no worker may act on it again, and its end is reported (then
-- FAILED). Every change an attempt makes is preceded by a renewal that names its attempt number, so an attempt
-- that was declared lost, or overtaken by a later one, stops before it changes anything.
alter table task_execution add column task_type varchar(32);
alter table task_execution add column trigger varchar(16);
alter table task_execution add column heartbeat_at timestamptz;
-- when the attempt first changed its target (a recovery emptied the instance or wrote a key); null before that
alter table task_execution add column target_changed_at timestamptz;
update task_execution set heartbeat_at = updated_at;
alter table task_execution alter column heartbeat_at set not null;
create index task_execution_running on task_execution (heartbeat_at) where status = 'RUNNING' or status = 'LOST';
