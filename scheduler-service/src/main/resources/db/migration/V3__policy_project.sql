-- The project of the instance, from its policy record, so that the tasks the scheduler starts name it.
alter table policy add column project varchar(64);
