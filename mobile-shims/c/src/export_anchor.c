/* libwerkex is werkex_c_static linked whole; this C file only gives the shared library a
 * source of its own and proves werkex.h compiles as C. */
#include "werkex.h"
