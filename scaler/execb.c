/* execb: run a scaling command template with the desired count. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "execb.h"
#include "proc.h"
#include "xmalloc.h"

/* Append the value of placeholder name (without braces); false if unknown. */
static bool
execb_var(struct buf *b, const char *name, size_t len,
    const struct execb_vars *v)
{
	if (len == 8 && strncmp(name, "replicas", len) == 0)
		buf_printf(b, "%d", v->replicas);
	else if (len == 6 && strncmp(name, "before", len) == 0)
		buf_printf(b, "%d", v->before);
	else if (len == 7 && strncmp(name, "service", len) == 0)
		buf_adds(b, v->service);
	else if (len == 3 && strncmp(name, "seq", len) == 0)
		buf_printf(b, "%lld", (long long)v->seq);
	else
		return false;
	return true;
}

/* Expand one blank-free word into a fresh string, or NULL on error. */
static char *
execb_word(const char *w, size_t len, const struct execb_vars *v, char *err,
    size_t errlen)
{
	struct buf	 b;
	const char	*p = w, *end = w + len, *close;

	buf_init(&b);
	while (p < end) {
		if (*p == '{' && (close = memchr(p, '}', (size_t)(end - p)))) {
			if (!execb_var(&b, p + 1, (size_t)(close - p - 1), v)) {
				snprintf(err, errlen, "target: unknown "
				    "placeholder \"%.*s\" (known: {replicas} "
				    "{before} {service} {seq})",
				    (int)(close - p + 1), p);
				buf_free(&b);
				return NULL;
			}
			p = close + 1;
		} else
			buf_addc(&b, *p++);
	}
	return buf_steal(&b);
}

char **
execb_expand(const char *tmpl, const struct execb_vars *v, char *err,
    size_t errlen)
{
	char		**argv = NULL;
	const char	 *p = tmpl, *start;
	size_t		  n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		argv = xreallocarray(argv, n + 2, sizeof *argv);
		argv[n] = execb_word(start, (size_t)(p - start), v, err,
		    errlen);
		if (argv[n] == NULL) {
			execb_argv_free(argv);
			return NULL;
		}
		argv[++n] = NULL;
	}
	if (n == 0)
		snprintf(err, errlen, "target: the command template is empty");
	return argv;
}

void
execb_argv_free(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

int
execb_run(char *const *argv, long timeout_ms, struct buf *out, char *err,
    size_t errlen)
{
	int	status, rc;

	rc = proc_run((const char *const *)argv, timeout_ms, out, &status,
	    err, errlen);
	if (rc != 0)
		return rc;
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s: killed by signal %d", argv[0],
		    WTERMSIG(status));
		return -ECHILD;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s: exit status %d", argv[0],
		    WEXITSTATUS(status));
		return -ECHILD;
	}
	return 0;
}
