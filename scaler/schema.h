/*
 * schema: the text of schema/postgres.sql and schema/crate.sql, compiled
 * in (the Makefile makes it from those files: they are the one source).
 */
#ifndef DAS_SCHEMA_H
#define DAS_SCHEMA_H

extern const char store_schema_postgres[];
extern const char store_schema_crate[];

#endif
