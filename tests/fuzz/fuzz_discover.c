/*
 * libFuzzer target for ds's reading of GET /containers/json
 * (discover_parse_list: jansson reads the text, discover_list.c maps it).
 *
 * The bytes are used twice. As text, whatever they are: nothing crashes or
 * leaks, the text is taken exactly when jansson reads it as an array (then
 * every element is a container or counted as skipped), and an error is one
 * line of printable text. And as the recipe of a listing built here with
 * jansson's encoder (elements with and without a valid Id, names and
 * Swarm labels of every shape, hostile characters): what discover reads
 * from its text must be what the recipe put in. (jansson is not
 * instrumented, so raw bytes alone seldom reach the mapping.)
 *
 *   make bin/fuzz_discover && bin/fuzz_discover -dict=tests/fuzz/json.dict \
 *       CORPUS_DIR tests/data/docker
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "discover.h"

#define MAXEL	16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct recipe {
	const uint8_t	*p;
	size_t		 n;
};

/* What the recipe put in one element; id NULL: it must be skipped. */
struct want {
	char	*id, *name, *sid, *sname;
};

static unsigned
take(struct recipe *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

/* A short string of hostile pieces (valid UTF-8, so jansson encodes it). */
static char *
piece_string(struct recipe *r)
{
	static const char *const pieces[] = {
		"a", "/", "\"", "\\", "\n", "\x01", "\xc3\xa9", " ", ",", "=",
		"web", "\xf0\x9f\x90\xb3", "0", "\x7f",
	};
	char	buf[64] = "";
	size_t	i, n = take(r) % 6;

	for (i = 0; i < n; i++)
		strcat(buf, pieces[take(r) % (sizeof pieces / sizeof *pieces)]);
	return strdup(buf);
}

/* An Id: valid 64 hex (*ok), or one of the ways to miss. */
static json_t *
recipe_id(struct recipe *r, char **ok)
{
	char		id[66];
	unsigned	k = take(r) % 6, i;

	for (i = 0; i < 64; i++)
		id[i] = "0123456789abcdefABCDEF"[take(r) % 22];
	id[64] = id[65] = '\0';
	*ok = NULL;
	switch (k) {
	case 0: case 1: case 2:
		*ok = strdup(id);
		return json_string(id);
	case 3:
		id[take(r) % 64] = 'g';
		return json_string(id);
	case 4:		/* 63 or 65 digits */
		if (take(r) % 2)
			id[63] = '\0';
		else
			id[64] = 'a';
		return json_string(id);
	default:
		return json_integer(7);
	}
}

/* Names: its first element, when a string, is the name. */
static json_t *
recipe_names(struct recipe *r, char **name)
{
	char	*s = piece_string(r);
	json_t	*v;

	switch (take(r) % 4) {
	case 0:
		v = json_pack("[s,s]", s, "/other");
		*name = strdup(s + (*s == '/'));
		break;
	case 1:
		v = json_pack("[i,s]", 1, s);
		*name = strdup("");
		break;
	case 2:
		v = json_string(s);
		*name = strdup("");
		break;
	default:
		v = json_array();
		*name = strdup("");
	}
	free(s);
	return v;
}

/* A label: a non-empty string is kept, anything else is NULL. */
static void
recipe_label(struct recipe *r, json_t *labels, const char *key, char **want)
{
	char	*s = piece_string(r);

	*want = NULL;
	switch (take(r) % 3) {
	case 0:
		json_object_set_new(labels, key, json_string(s));
		if (*s != '\0')
			*want = strdup(s);
		break;
	case 1:
		json_object_set_new(labels, key, json_integer(1));
		break;
	default:
		break;
	}
	free(s);
}

static json_t *
recipe_element(struct recipe *r, struct want *w)
{
	json_t	*e, *labels;
	char	*id;

	memset(w, 0, sizeof *w);
	if (take(r) % 5 == 0)
		return json_integer(42);
	e = json_object();
	if (take(r) % 4 != 0) {
		json_object_set_new(e, "Id", recipe_id(r, &id));
		w->id = id;
	}
	json_object_set_new(e, "Names", recipe_names(r, &w->name));
	labels = json_object();
	recipe_label(r, labels, DISCOVER_LABEL_SERVICE_ID, &w->sid);
	recipe_label(r, labels, DISCOVER_LABEL_SERVICE_NAME, &w->sname);
	json_object_set_new(labels, "das.test", json_string("1"));
	if (take(r) % 4 == 0) {
		json_decref(labels);
		labels = json_pack("[s]", "x");
		free(w->sid);
		free(w->sname);
		w->sid = w->sname = NULL;
	}
	json_object_set_new(e, "Labels", labels);
	return e;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_recipe(const uint8_t *data, size_t size)
{
	struct recipe		 r = { data, size };
	struct want		 w[MAXEL];
	struct discover_list	 l;
	json_t			*doc = json_array();
	size_t			 n = take(&r) % MAXEL, i, k = 0, skipped;
	char			*text, err[256];

	for (i = 0; i < n; i++)
		json_array_append_new(doc, recipe_element(&r, &w[i]));
	text = json_dumps(doc, take(&r) % 2 ? JSON_INDENT(1) : 0);
	if (discover_parse_list(text, strlen(text), &l, &skipped, err,
	    sizeof err) != 0)
		abort();
	for (i = 0; i < n; i++) {
		if (w[i].id != NULL) {
			if (k >= l.n || strcmp(l.items[k].id, w[i].id) != 0 ||
			    !same(l.items[k].name, w[i].name) ||
			    !same(l.items[k].service_id, w[i].sid) ||
			    !same(l.items[k].service_name, w[i].sname))
				abort();
			k++;
		}
		free(w[i].id);
		free(w[i].name);
		free(w[i].sid);
		free(w[i].sname);
	}
	if (k != l.n || skipped != n - k)
		abort();
	discover_list_free(&l);
	free(text);
	json_decref(doc);
}

static void
check_message(const char *err)
{
	if (*err == '\0')
		abort();
	for (; *err != '\0'; err++) {
		if ((unsigned char)*err < 0x20 || *err == 0x7f)
			abort();
	}
}

static void
check_text(const uint8_t *data, size_t size)
{
	struct discover_list	 l;
	json_t			*j;
	size_t			 skipped, i;
	char			*s, err[256];
	int			 rc;

	/* unterminated copy: the length alone must bound the reads */
	s = malloc(size ? size : 1);
	memcpy(s, data, size);
	err[0] = '\0';
	rc = discover_parse_list(s, size, &l, &skipped, err, sizeof err);
	j = json_loadb(s, size, 0, NULL);
	if ((rc == 0) != json_is_array(j))
		abort();
	if (rc != 0) {
		if (l.n != 0 || l.items != NULL)
			abort();
		check_message(err);
	} else if (l.n + skipped != json_array_size(j))
		abort();
	for (i = 0; i < l.n; i++) {
		if (strspn(l.items[i].id, "0123456789abcdefABCDEF") != 64 ||
		    l.items[i].id[64] != '\0' || l.items[i].name == NULL)
			abort();
	}
	discover_list_free(&l);
	json_decref(j);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_text(data, size);
	check_recipe(data, size);
	return 0;
}
