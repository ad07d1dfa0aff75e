/* token: not implemented yet; answers 501 in its protocol's format. */
#include "app.h"

static void
handle(struct app *a)
{
	app_error(a, APP_ERR_OAUTH, 501, "not_implemented",
	    "this endpoint is not implemented yet");
}

int
main(void)
{
	static const struct app_spec spec = {
		.prog = "token", .errors = APP_ERR_OAUTH, .max_body = 65536,
		.handle = handle,
	};

	return app_run(&spec);
}
