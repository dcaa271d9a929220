/*
 * libFuzzer target for ds's reading of GET /containers/json, differential:
 * discover_parse_list (a scanner, no tree) must accept exactly the texts
 * jansson accepts and take the same containers from them as the jansson
 * reading ds used before (kept here as the oracle).
 *
 *   make bin/fuzz_discover && bin/fuzz_discover -dict=tests/fuzz/json.dict \
 *       CORPUS_DIR tests/data/docker
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "discover.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
oracle_hex64(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return s[64] == '\0';
}

static const char *
oracle_label(const json_t *labels, const char *key)
{
	const char	*v = json_string_value(json_object_get(labels, key));

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Element e as ds's jansson reading took it; abort when it differs. */
static size_t
oracle_check(const json_t *e, const struct discover_list *l, size_t k)
{
	const struct discover_item	*it;
	const char			*id, *name;
	const json_t			*labels;

	id = json_string_value(json_object_get(e, "Id"));
	if (id == NULL || !oracle_hex64(id))
		return k;
	if (k >= l->n)
		abort();
	it = &l->items[k];
	name = json_string_value(json_array_get(json_object_get(e, "Names"),
	    0));
	if (name != NULL && *name == '/')
		name++;
	labels = json_object_get(e, "Labels");
	if (strcmp(it->id, id) != 0 || !same(it->name, name ? name : "") ||
	    !same(it->service_id, oracle_label(labels,
	    DISCOVER_LABEL_SERVICE_ID)) ||
	    !same(it->service_name, oracle_label(labels,
	    DISCOVER_LABEL_SERVICE_NAME)))
		abort();
	return k + 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct discover_list	 l;
	json_error_t		 je;
	json_t			*j;
	size_t			 skipped, i, k = 0;
	char			*s, err[256];
	int			 rc;

	/* unterminated copy: the length alone must bound the reads */
	s = malloc(size ? size : 1);
	memcpy(s, data, size);
	rc = discover_parse_list(s, size, &l, &skipped, err, sizeof err);
	j = size == 0 ? NULL : json_loadb(s, size, 0, &je);
	if ((rc == 0) != json_is_array(j))
		abort();
	if (rc == 0) {
		for (i = 0; i < json_array_size(j); i++)
			k = oracle_check(json_array_get(j, i), &l, k);
		if (k != l.n || skipped != json_array_size(j) - l.n)
			abort();
	}
	discover_list_free(&l);
	json_decref(j);
	free(s);
	return 0;
}
