/*
 * libFuzzer target for runc's state parsers: state.json, /proc/<pid>/stat
 * lines, RFC 3339 times and <cluster>_<n> ids. Whatever comes in, they
 * answer 0 with sane values or an error, and never read past the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runcstate.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct runcstate	 st;
	uint64_t		 start;
	int64_t			 ns;
	size_t			 len;
	char			*s, err[256], state;
	int			 n;

	/* unterminated copy: the length alone must bound the reads */
	s = malloc(size ? size : 1);
	memcpy(s, data, size);
	(void)runcstate_parse_proc_stat(s, size, &state, &start);
	if (runcstate_parse(s, size, &st, err, sizeof err) == 0) {
		if (st.pid <= 0 || !runcstate_valid_id(st.id))
			abort();
		runcstate_clear(&st);
	}
	free(s);
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	(void)runcstate_parse_time(s, &ns);
	n = runcstate_split_id(s, &len);
	if (len > strlen(s) || (n > 0 && (len == 0 || s[len] != '_' ||
	    n > RUNCSTATE_INDEX_MAX)))
		abort();
	(void)runcstate_valid_id(s);
	free(s);
	return 0;
}
