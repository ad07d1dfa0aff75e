/* record: JSON records in the store (see record.h). */
#include <stdlib.h>
#include <string.h>

#include "store/record.h"

enum omi_err
record_get(struct store *s, const char *key, json_t **out)
{
	enum omi_err	 err;
	char		*val;
	size_t		 len;

	*out = NULL;
	if ((err = store_get(s, key, &val, &len)) != OMI_OK)
		return err;
	*out = json_loadb(val, len, JSON_REJECT_DUPLICATES, NULL);
	free(val);
	return *out == NULL ? OMI_CORRUPT : OMI_OK;
}

enum omi_err
record_put(struct store *s, const char *key, const json_t *j)
{
	enum omi_err	 err;
	char		*text;

	if ((text = json_dumps(j, JSON_COMPACT)) == NULL)
		return OMI_NOMEM;
	err = store_put(s, key, text, strlen(text));
	free(text);
	return err;
}
