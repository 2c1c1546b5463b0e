/*
 * The client's words in the reader's language (gettext, domain "rigbook",
 * po/).  Everything the client writes for people goes through _(), N_()
 * (marked where it is defined, translated where it is shown) or ngettext();
 * JSON keys, CSV fields, iCalendar, codes and enum names never do.
 */
#ifndef RIGBOOK_CLIENT_I18N_H
#define RIGBOOK_CLIENT_I18N_H

#include <libintl.h>

#define _(s) i18n_gettext(s)
#define N_(s) (s)
/* A string whose English has more than one sense: ctx tells them apart. */
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)
/* Marked with a context, translated later by whoever shows it. */
#define NC_(ctx, s) (s)

const char *i18n_gettext(const char *msgid) __attribute__((format_arg(1)));
const char *i18n_pgettext(const char *ctx_msgid, const char *msgid)
	__attribute__((format_arg(2)));

/*
 * While on, _() and C_() answer the English: for the words that go into
 * --json output (rules_text), which never change with the language.
 * Returns the previous setting.
 */
int i18n_plain(int on);

/*
 * From the environment, before anything is written: the locale's character
 * type and messages, and the catalogue's directory (RIGBOOK_LOCALEDIR, else
 * the build tree the executable sits in, else the installed localedir).
 * When the locale named by LC_ALL, LC_MESSAGES or LANG is not installed,
 * its language is used all the same (messages in C.UTF-8, LANGUAGE set).
 */
void i18n_init(void);

/*
 * The configuration file's language ("zh_CN", "en", "C"), over the
 * environment's; NULL or "" leaves it.
 */
void i18n_set_language(const char *language);

/* The catalogue in use is Chinese: names are shown in Chinese when they have one. */
int i18n_zh(void);

/* The reader's name for a thing: zh when i18n_zh() and zh is not empty, else name. */
const char *i18n_name(const char *name, const char *zh);

/* A weekday's short name (1 Monday to 7 Sunday) in the reader's language: Mon, 周一. */
const char *i18n_weekday(int weekday);
/* The same as the weekly hours write it: mon, 周一. */
const char *i18n_weekday_lower(int weekday);

/* A resource kind's name (rb_kind_name) in the reader's language. */
const char *i18n_kind(const char *name);

/* A role's name (rb_role_name) in the reader's language. */
const char *i18n_role(const char *name);

/* A state's name (rb_state_name, a waitlist entry's) in the reader's language. */
const char *i18n_state(const char *name);

#endif
