-- Resource rows by name: rb_resource_detail and rb_availability answered
-- rb_res_row, the resource then a tag and generic columns (n1 n2 n3 t1 t2 t3
-- b1) whose meaning changed with the tag.  They now return named columns
-- (sql/resources.sql, sql/availability.sql), each meaning one thing, and the
-- daemon reads each by its name.  The type goes, and with it the two
-- functions that returned it; rigbookd makes them anew from sql/ in the same
-- transaction.
DROP TYPE rb_res_row CASCADE;
