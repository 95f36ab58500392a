-- The project of a task's instance, named by the event that accepted the task: callers see their projects' tasks.
alter table task add column project varchar(64);
create index task_by_project on task (project, created_at desc);
