/*
 * discover_list: the running containers from the text of a
 * GET /containers/json answer, read with jansson (pure: no I/O).
 *
 * ds lists only when Docker's events say something changed
 * (collector/dwatch.c) and every 60 s, so the parsed tree of a listing
 * costs little: tests/bench/bench_ds.sh measures it (README "Performance").
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "xmalloc.h"

/* Exactly 64 hex digits (stops at the first other byte, NUL too). */
static bool
is_hex64(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	}
	return s[64] == '\0';
}

/* jansson quotes the text near an error: no control character in logs. */
static void
printable(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/* A label's value when it is a non-empty string, else NULL. Owned. */
static char *
label(const json_t *labels, const char *key)
{
	const char	*v = json_string_value(json_object_get(labels, key));

	return v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

/*
 * One element of the list into *d: false (and d untouched) when it is not
 * an object with a 64-hex "Id". Names[0] loses its leading '/'; a missing
 * or non-string name is "".
 */
static bool
discover_item(const json_t *e, struct discover_item *d)
{
	const char	*id, *name;
	const json_t	*labels;

	id = json_string_value(json_object_get(e, "Id"));
	if (id == NULL || !is_hex64(id))
		return false;
	memcpy(d->id, id, 65);
	name = json_string_value(json_array_get(json_object_get(e, "Names"),
	    0));
	if (name == NULL)
		name = "";
	d->name = xstrdup(name + (*name == '/'));
	labels = json_object_get(e, "Labels");
	d->service_id = label(labels, DISCOVER_LABEL_SERVICE_ID);
	d->service_name = label(labels, DISCOVER_LABEL_SERVICE_NAME);
	return true;
}

int
discover_parse_list(const char *text, size_t len, struct discover_list *list,
    size_t *skipped, char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*j, *e;
	size_t		 i;

	list->items = NULL;
	list->n = 0;
	*skipped = 0;
	if ((j = json_loadb(text, len, 0, &je)) == NULL) {
		snprintf(err, errlen, "answer is not JSON: %s near byte %d",
		    je.text, je.position);
		printable(err);
		return -EBADMSG;
	}
	if (!json_is_array(j)) {
		snprintf(err, errlen, "answer is not a list of containers");
		json_decref(j);
		return -EBADMSG;
	}
	list->items = xcalloc(json_array_size(j) + 1, sizeof *list->items);
	json_array_foreach(j, i, e) {
		if (discover_item(e, &list->items[list->n]))
			list->n++;
		else
			(*skipped)++;
	}
	json_decref(j);
	return 0;
}

void
discover_list_free(struct discover_list *list)
{
	size_t	i;

	for (i = 0; i < list->n; i++) {
		free(list->items[i].name);
		free(list->items[i].service_id);
		free(list->items[i].service_name);
	}
	free(list->items);
	list->items = NULL;
	list->n = 0;
}

pid_t
discover_parse_pid(const json_t *inspect)
{
	json_int_t	pid;

	pid = json_integer_value(json_object_get(json_object_get(inspect,
	    "State"), "Pid"));
	return pid > 0 && pid < 1 << 30 ? (pid_t)pid : -1;
}
