/*
 * libFuzzer target for the line-protocol writer: whatever bytes come in as
 * names and values, every point written is one line, with no raw newline
 * and no element ending in a lone backslash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lp_point	 pt;
	struct buf	 b;
	char		*s, *parts[4];
	size_t		 i, n = 0;

	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	parts[0] = s;
	for (i = 0; i < size && n < 3; i++) {
		if (s[i] == '\0' || s[i] == '\t') {
			s[i] = '\0';
			parts[++n] = s + i + 1;
		}
	}
	while (n < 3)
		parts[++n] = s + size;
	buf_init(&b);
	lp_begin(&pt, &b, parts[0]);
	lp_tag(&pt, parts[1], parts[2]);
	lp_field_str(&pt, parts[1], parts[3]);
	lp_field_float(&pt, parts[2], (double)size);
	if (lp_end(&pt, 1)) {
		if (lp_count_lines(b.data, b.len) != 1 ||
		    b.data[b.len - 1] != '\n')
			abort();
	}
	buf_free(&b);
	free(s);
	return 0;
}
