# rigbook in Chinese: under LANG=zh_CN.UTF-8 (or the configuration's
# language = zh_CN, with or without the locale installed) every line the
# client writes for people is Chinese or data; C stays English; --json is
# the same bytes in both; names show in the reader's language.

# in_lang LANG HANDLE ARGS...: the client as HANDLE with LANG, nothing
# else of the locale set.
in_lang() {
	local lang=$1 who=$2
	shift 2
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" \
		"$RB_CLIENT" --server "$RB_SERVER" --token "tok-$who" --ca "$RB_CA" "$@"
}

# zh HANDLE ARGS...: under zh_CN.UTF-8; en HANDLE ARGS...: under C.
zh() {
	in_lang zh_CN.UTF-8 "$@"
}

en() {
	in_lang C "$@"
}

zh_locale_or_skip() {
	locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8' ||
		rb_skip "no zh_CN.UTF-8 locale (scripts/deps generates it)"
}

# english_left FILE...: the lines of the files that still hold English
# words once data is taken out (codes, options, zones, dates, times,
# metavariables, command lines), one per line; none when all is Chinese.
english_left() {
	python3 - "$@" <<'PY'
import re, sys
data = [
    r'~?/?[\w.]+(?:/[\w.]+)+',             # paths
    r'^用法：rigbook .*',                  # a usage line's synopsis is syntax
    r'^ {6,}rigbook .*',                   # its further forms
    r'^rigbook: [a-z]+: ',                 # the command a message is about
    r'rigbook(?: [a-z]+(?: accept| [a-z0-9-]+)?)?(?:\(1\))?',  # commands named in text
    r'--[a-z][a-z-]*',                     # options
    r'\b[a-z0-9]+(?:-[a-z0-9]+)+\b',       # codes: zh-rig, test-works
    r'\b[a-z]+(?:_[a-z0-9]+)+\b',         # keys: feed_listen, token_file
    r'\b[A-Z][A-Za-z]+/[A-Za-z_]+\b',      # time zones
    r'\b[A-Z][A-Z_]+\b',                   # metavariables, error codes, TLS
    r'\bUTF-8\b', r'\bZ\)', r'\bC\b',
    r'“[^”]*”',                             # what the user typed, quoted
]
ok_words = {'ms', 'alice', 'bob', 'Alice', 'Acme', 'acme', 'keys', 'local',  # names, codes, option values
            'Ctrl', 'chmod'}                                                     # a key, a command
left = []
for path in sys.argv[1:]:
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if re.match(r'^  [a-z]+ {2,}', line):   # help's command column
            line = re.sub(r'^  [a-z]+', '', line)
        s = line
        for p in data:
            s = re.sub(p, ' ', s)
        words = [w for w in re.findall(r'[A-Za-z]{2,}', s) if w not in ok_words]
        if words:
            left.append('%s: %s   [%s]' % (path.rsplit('/', 1)[-1], line, ' '.join(words)))
print('\n'.join(left))
PY
}

# all_chinese: stdout and stderr of the last expect_exit hold no English.
all_chinese() {
	local left
	left=$(english_left "$RB_OUT" "$RB_ERR")
	if [[ -n $left ]]; then
		printf 'English left under zh_CN:\n%s\n' "$left"
		return 1
	fi
}

# zh_rig CODE: a resource of test-works with a Chinese name.
zh_rig() {
	expect_exit 0 rb_as mgr resource add "$1" --name "Engine test rig" \
		--name-zh "发动机试验台" --kind test_facility --institution test-works
}

# The README's tour, or as much as a member does: help, resources, book,
# bookings, show, availability, calendar, a refusal, cancel.
t_zh_tour_has_no_english() {
	local d week id
	zh_locale_or_skip
	zh_rig zh-tour || return 1
	d=$(rb_day 40)
	week=$(date -u -d "$d" +%G-W%V)

	expect_exit 0 zh alice help && all_chinese || return 1
	expect_stdout_contains "命令（任意不重复的前缀均可）" || return 1
	expect_exit 0 zh alice help book && all_chinese || return 1
	expect_stdout_contains "用法：rigbook book" || return 1
	expect_exit 0 zh alice book --help && all_chinese || return 1
	expect_exit 0 zh alice resources --search 试验台 && all_chinese || return 1
	expect_stdout_contains "发动机试验台" || return 1
	expect_stdout_contains "代码" || return 1
	expect_exit 0 zh alice book zh-tour --from "$d 09:00" --to "$d 11:00" --note "标定" || return 1
	all_chinese || return 1
	expect_stdout_contains "已预约 " || return 1
	expect_stdout_contains "$d 09:00-11:00（Asia/Shanghai）" || return 1
	id=$(sed -n 's/^已预约 \([0-9]*\)：.*/\1/p' "$RB_OUT")
	[[ -n $id ]] || { echo "no booking id in: $(cat "$RB_OUT")"; return 1; }
	expect_exit 0 zh alice bookings && all_chinese || return 1
	expect_stdout_contains "已确认" || return 1
	expect_exit 0 zh alice show zh-tour && all_chinese || return 1
	expect_stdout_contains "名称         发动机试验台" || return 1
	expect_stdout_contains "测试发动机厂" || return 1
	expect_exit 0 zh alice availability zh-tour --from "$d" --to "$(rb_day 41)" && all_chinese || return 1
	expect_stdout_contains "你的预约 $id" || return 1
	expect_exit 0 zh alice calendar zh-tour --week "$week" && all_chinese || return 1
	expect_stdout_contains "图例" || return 1
	expect_exit 0 zh alice slots zh-tour --days 3 --length 1h && all_chinese || return 1
	expect_exit 0 zh alice find --search 发动机试验台 --length 1h --within 3d && all_chinese || return 1
	expect_stdout_contains "发动机试验台" || return 1
	expect_exit 0 zh alice whoami && all_chinese || return 1
	# the refusal: in Chinese from its reason, the code kept for scripts
	expect_exit 1 zh bob book zh-tour --from "$d 10:00" --to "$d 12:00" || return 1
	all_chinese || return 1
	expect_stderr_contains "rigbook: CONFLICT: zh-tour 在 $d 09:00-11:00（Asia/Shanghai） 已被预约" || return 1
	expect_exit 2 zh alice cancel && all_chinese || return 1
	expect_exit 0 zh alice cancel "$id" --reason "样机未完成" && all_chinese || return 1
	expect_stdout_contains "已取消 $id" || return 1
	expect_exit 2 zh alice no-such-command && all_chinese || return 1
	expect_stderr_contains "未知命令" || return 1
}

# Every command's usage (--help) is Chinese but for its synopsis.
t_zh_every_usage() {
	local c
	zh_locale_or_skip
	expect_exit 0 zh alice help || return 1
	for c in $(sed -n 's/^  \([a-z]*\)  .*/\1/p' "$RB_OUT"); do
		expect_exit 0 zh alice help "$c" && all_chinese || return 1
	done
}

# The calendar lines up its CJK columns and fits 80 columns.
t_zh_calendar_fits() {
	local d week
	zh_locale_or_skip
	zh_rig zh-cal || return 1
	d=$(rb_day 47)
	week=$(date -u -d "$d" +%G-W%V)
	expect_exit 0 zh alice book zh-cal --from "$d 10:00" --to "$d 12:00" || return 1
	expect_exit 0 zh alice calendar zh-cal --week "$week" || return 1
	python3 - "$RB_OUT" <<'PY' || return 1
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
wide = [l for l in lines if width(l) > 80]
if wide:
    sys.exit('wider than 80 columns: %r' % wide)
head = [l for l in lines if '周一' in l]
if len(head) != 1:
    sys.exit('no header of weekdays: %r' % lines)
# each day's column starts where its cells do: 6 + 10 * day
rows = [l for l in lines if l[:2].isdigit() and l[2:3] == ':']
h = head[0]
for day, name in enumerate(['周一', '周二', '周三', '周四', '周五', '周六', '周日']):
    i = h.index(name)
    if width(h[:i]) != 6 + 10 * day:
        sys.exit('%s starts at column %d, not %d: %r' % (name, width(h[:i]), 6 + 10 * day, h))
if not any('#' in r for r in rows):
    sys.exit('the booking is not in the grid: %r' % lines)
PY
}

# --json is the same bytes under C and zh_CN; text differs.
t_zh_json_is_language_neutral() {
	local d a b
	zh_locale_or_skip
	zh_rig zh-json || return 1
	d=$(rb_day 44)
	expect_exit 0 rb_as alice book zh-json --from "$d 09:00" --to "$d 10:00" --note "标定" || return 1
	for args in "bookings" "resources" "show zh-json" "availability zh-json --from $d --to $(rb_day 45)" \
		"calendar zh-json --week $(date -u -d "$d" +%G-W%V)"; do
		# shellcheck disable=SC2086
		expect_exit 0 en alice $args --json || return 1
		a=$(cat "$RB_OUT")
		# shellcheck disable=SC2086
		expect_exit 0 zh alice $args --json || return 1
		b=$(cat "$RB_OUT")
		expect_eq "$a" "$b" "$args --json under C and zh_CN" || return 1
	done
	expect_exit 0 en alice show zh-json || return 1
	expect_stdout_contains "name         Engine test rig" || return 1
	expect_exit 0 zh alice show zh-json || return 1
	expect_stdout_lacks "Engine test rig" || return 1
}

# C and English stay English.
t_zh_c_stays_english() {
	expect_exit 0 en alice help || return 1
	expect_stdout_contains "commands (any unique prefix will do):" || return 1
	expect_exit 0 env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=en_US.UTF-8 "$RB_CLIENT" help || return 1
	expect_stdout_contains "commands (any unique prefix will do):" || return 1
	expect_exit 1 en alice book no-such-rig --from "$(rb_day 40) 09:00" --to "$(rb_day 40) 10:00" || return 1
	expect_stderr_contains "rigbook: NOT_FOUND: no resource is called no-such-rig" || return 1
}

# language = zh_CN in the configuration: Chinese under C, and when the
# locale named by LANG is not installed (LOCPATH hides every locale).
t_zh_config_language() {
	local conf=$RB_CASE_DIR/zh.conf
	printf 'language = zh_CN\n' >"$conf"
	expect_exit 0 in_lang C alice --config "$conf" help || return 1
	expect_stdout_contains "命令（任意不重复的前缀均可）" || return 1
	expect_exit 1 in_lang C alice --config "$conf" book no-such-rig \
		--from "$(rb_day 40) 09:00" --to "$(rb_day 40) 10:00" || return 1
	expect_stderr_contains "rigbook: NOT_FOUND: 没有名为 no-such-rig 的资源" || return 1
	expect_exit 0 env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LOCPATH=/nonexistent LANG=zh_CN.UTF-8 \
		"$RB_CLIENT" help || return 1
	expect_stdout_contains "命令（任意不重复的前缀均可）" || return 1
	# language = en over a Chinese locale
	printf 'language = en\n' >"$conf"
	expect_exit 0 in_lang zh_CN.UTF-8 alice --config "$conf" help cancel || return 1
	expect_stdout_contains "usage: rigbook cancel" || return 1
}

# Names: the Chinese name is shown to readers of Chinese, searched in both
# languages, set and cleared with --name-zh.
t_zh_names() {
	zh_locale_or_skip
	expect_exit 0 rb_as mgr resource add zh-names --name "Engine test rig" \
		--name-zh "名称试验台" --kind test_facility --institution test-works || return 1
	expect_exit 0 rb_as alice resources --search 名称试验 --json || return 1
	expect_eq zh-names "$(json '",".join(r["code"] for r in d["resources"])')" "search in Chinese" || return 1
	expect_eq 名称试验台 "$(json 'd["resources"][0]["name_zh"]')" "name_zh" || return 1
	expect_eq 测试发动机厂 "$(json 'd["resources"][0]["institution_name_zh"]')" "institution_name_zh" ||
		return 1
	expect_exit 0 rb_as alice resources --search "engine test rig" --json || return 1
	expect_stdout_contains '"code":"zh-names"' || return 1
	expect_exit 0 en alice resources --search "zh-names" || return 1
	expect_stdout_contains "Engine test rig" || return 1
	expect_exit 0 zh alice resources --search "zh-names" || return 1
	expect_stdout_contains "名称试验台" || return 1
	expect_stdout_lacks "Engine test rig" || return 1
	expect_exit 0 rb_as mgr resource edit zh-names --name-zh "发动机性能试验台" || return 1
	expect_eq 发动机性能试验台 "$(psql_q "SELECT name_zh FROM resources WHERE code = 'zh-names'")" "edited" ||
		return 1
	expect_exit 0 rb_as mgr resource edit zh-names --name "Engine rig" || return 1
	expect_eq 发动机性能试验台 "$(psql_q "SELECT name_zh FROM resources WHERE code = 'zh-names'")" "kept" ||
		return 1
	expect_exit 0 rb_as mgr resource edit zh-names --name-zh - || return 1
	expect_eq "" "$(psql_q "SELECT name_zh FROM resources WHERE code = 'zh-names'")" "cleared" || return 1
	expect_exit 0 zh alice show zh-names || return 1
	expect_stdout_contains "名称         Engine rig" || return 1
}

# CSV stays keys in every language; --csv-headers=local names the columns
# in the reader's language, and only the header line changes.
t_zh_csv_headers() {
	local d a b
	zh_locale_or_skip
	d=$(rb_day 40)
	expect_exit 0 en mgr report --from "$d" --to "$d" --csv || return 1
	a=$(cat "$RB_OUT")
	expect_exit 0 zh mgr report --from "$d" --to "$d" --csv || return 1
	b=$(cat "$RB_OUT")
	expect_eq "$a" "$b" "report --csv under C and zh_CN" || return 1
	expect_eq "space,institution,resource,name," "$(head -1 "$RB_OUT" | cut -c1-32)" "keys" || return 1
	expect_exit 0 zh mgr report --from "$d" --to "$d" --csv --csv-headers=local || return 1
	expect_eq "空间,依托单位,资源,名称,时区,台数,开放小时数" "$(head -1 "$RB_OUT" | cut -d, -f1-7)" "local" ||
		return 1
	expect_eq "$(printf '%s\n' "$a" | tail -n +2)" "$(tail -n +2 "$RB_OUT")" "the rows" || return 1
	expect_exit 0 zh alice charges --csv --csv-headers local || return 1
	expect_eq "编号,日期,企业,资源" "$(head -1 "$RB_OUT" | cut -d, -f1-4)" "charges" || return 1
	expect_exit 2 zh alice charges --csv --csv-headers=fancy || return 1
	all_chinese || return 1
}

# The newer commands and settings: audit's table and messages, feed's
# refusal, interlock's usage, watch's lines, the token file's warning.
t_zh_newer_commands() {
	local tf=$RB_CASE_DIR/token
	zh_locale_or_skip
	zh_rig zh-newer || return 1
	expect_exit 0 zh alice help && all_chinese || return 1
	expect_stdout_contains "谁做了什么" || return 1
	for c in audit feed interlock watch; do
		expect_exit 0 zh alice help "$c" && all_chinese || return 1
	done
	expect_exit 0 zh alice interlock --help && all_chinese || return 1
	# audit as the space's operator: the header and the messages (the rows are data)
	expect_exit 0 zh oper audit --limit 1 || return 1
	head -1 "$RB_OUT" >"$RB_CASE_DIR/audit-head"
	left=$(english_left "$RB_CASE_DIR/audit-head" "$RB_ERR")
	[[ -z $left ]] || { printf 'English left under zh_CN:\n%s\n' "$left"; return 1; }
	expect_stdout_contains "时间（UTC）" || return 1
	expect_stderr_contains "还有更早的记录" || return 1
	expect_exit 0 zh oper audit --action no_such_action && all_chinese || return 1
	expect_stdout_contains "没有符合条件的审计记录" || return 1
	expect_exit 2 zh oper audit --since 2026-12-02 --until 2026-12-01 && all_chinese || return 1
	expect_exit 2 zh oper audit --csv --json && all_chinese || return 1
	# feed on a daemon without feed_listen: refused in the reader's words, the code kept
	expect_exit 1 zh alice feed && all_chinese || return 1
	expect_stderr_contains "rigbook: FAILED_PRECONDITION: 此服务器不提供日历订阅" || return 1
	# interlock's usage errors come before any connection
	expect_exit 2 zh oper interlock && all_chinese || return 1
	expect_exit 2 zh oper interlock zh-newer --on-start true && all_chinese || return 1
	expect_stderr_contains "请同时给出 --on-start 和 --on-stop" || return 1
	# watch until SIGTERM
	expect_exit 0 timeout --preserve-status -s TERM 2 env -u LC_ALL -u LC_MESSAGES -u LANGUAGE \
		LANG=zh_CN.UTF-8 "$RB_CLIENT" --server "$RB_SERVER" --token tok-alice --ca "$RB_CA" \
		watch zh-newer && all_chinese || return 1
	expect_stderr_contains "正在关注 zh-newer" || return 1
	# the token file: others may read it; --token with it; --retry out of range
	printf 'tok-alice\n' >"$tf"
	chmod 644 "$tf"
	expect_exit 0 env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$RB_CLIENT" \
		--server "$RB_SERVER" --token-file "$tf" --ca "$RB_CA" whoami && all_chinese || return 1
	expect_stderr_contains "其他人可以读取它" || return 1
	expect_exit 2 zh alice --token-file "$tf" whoami && all_chinese || return 1
	expect_exit 2 zh alice --retry 601 whoami && all_chinese || return 1
	expect_stderr_contains "重试时间" || return 1
}

# all_chinese_but NAME...: as all_chinese, with the names (data the server
# words in English, such as a space's) taken out first.
all_chinese_but() {
	local f left
	for f in "$RB_OUT" "$RB_ERR"; do
		cp "$f" "$f.names"
		for n in "$@"; do
			sed -i "s/$n/ /g" "$f.names"
		done
	done
	left=$(english_left "$RB_OUT.names" "$RB_ERR.names")
	if [[ -n $left ]]; then
		printf 'English left under zh_CN:\n%s\n' "$left"
		return 1
	fi
}

# The newest words: a window that ends before it starts, find's --within,
# companion bookings, a late cancellation and its fee, approvals of a
# resource by one not its staff, an invoice run of a month not ended.
t_zh_newest_words() {
	local d now start id month
	zh_locale_or_skip
	zh_rig zh-main || return 1
	zh_rig zh-kit || return 1
	d=$(rb_day 53)
	expect_exit 2 zh alice book zh-main --from "$d 12:00" --to "$d 10:00" && all_chinese || return 1
	expect_stderr_contains "时段的结束须晚于开始" || return 1
	expect_exit 2 zh alice wait zh-main --from "$d 12:00" --to "$d 12:00" && all_chinese || return 1
	expect_stderr_contains "时段的结束须晚于开始" || return 1
	expect_exit 2 zh alice find --length 1h --within 100d && all_chinese || return 1
	expect_stderr_contains "--within：最多向后查找 92 天，100d 超出此限" || return 1
	# what the resource requires is booked with it, and book says so
	expect_exit 0 rb_as mgr requires zh-main zh-kit || return 1
	expect_exit 0 zh alice book zh-main --from "$d 10:00" --to "$d 12:00" && all_chinese || return 1
	expect_stdout_contains "  连同配套预约 " || return 1
	expect_stdout_contains "zh-kit $d 10:00-12:00（Asia/Shanghai）" || return 1
	# a late cancellation, and its fee
	expect_exit 0 rb_as mgr rules zh-kit --late-cancel 48h || return 1
	expect_exit 0 rb_as oper rate set zh-kit --tier member_startup --hourly 100.00 --increment 1h \
		--basis booked --late-fee 50% --from 2026-01-01 || return 1
	now=$(date -u +%s)
	start=$(((now / 3600 + 24) * 3600))
	expect_exit 0 zh alice book zh-kit --from "$(date -u -d "@$start" '+%F %H:%MZ')" \
		--to "$(date -u -d "@$((start + 3600))" '+%F %H:%MZ')" --json || return 1
	id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$RB_OUT")
	expect_exit 0 zh alice cancel "$id" --reason "样机未完成" && all_chinese || return 1
	expect_stdout_contains "  迟取消：距开始不足 " || return 1
	expect_stdout_contains "；向企业收取迟取消费 ¥50.00" || return 1
	# approvals of a resource by a manager of another institution
	expect_exit 1 zh mgr-other approvals zh-main && all_chinese_but "Test Engine Works" || return 1
	expect_stderr_contains "rigbook: PERMISSION_DENIED: 你不是 zh-main 的工作人员" || return 1
	# this month is not over: refused in the reader's words, the space's name is data
	month=$(TZ=Asia/Shanghai date +%Y-%m)
	expect_exit 1 zh oper invoice run --period "$month" &&
		all_chinese_but "Test Powertrain Maker Space" || return 1
	expect_stderr_contains "rigbook: FAILED_PRECONDITION: $month 在 Test Powertrain Maker Space（Asia/Shanghai）尚未结束" || return 1
}

# server_said WORDS: the database refused with exactly these words (its
# log holds each refusal's message).
server_said() {
	# grep counts rather than -q: with pipefail, a grep that stops at the
	# first match leaves sed to die of SIGPIPE on the shared, long log, and
	# the pipeline fails though the words are there.  Bytes as they are: the
	# log holds other tests' invalid UTF-8.
	local n
	n=$(LC_ALL=C sed -n 's/^.* ERROR:  //p' "$RB_PG_DIR/server.log" | LC_ALL=C grep -acxF -- "$1")
	[[ ${n:-0} -gt 0 ]] && return 0
	echo "the server never said: $1"
	return 1
}

# refused_both CODE ZH EN NAMES HANDLE ARGS...: the refusal under zh_CN is
# Chinese (but for the names, '|'-separated) with the code kept, starting
# ZH; under C it is EN, the server's message word for word (from the
# database unless EN starts with "daemon:").
refused_both() {
	local code=$1 zhw=$2 enw=$3 names=$4 who=$5 from=db
	shift 5
	if [[ $enw == daemon:* ]]; then
		enw=${enw#daemon:}
		from=daemon
	fi
	expect_exit 1 zh "$who" "$@" || return 1
	local -a n=()
	[[ -n $names ]] && IFS='|' read -r -a n <<<"$names"
	all_chinese_but "${n[@]}" || return 1
	expect_stderr_contains "rigbook: $code: $zhw" || return 1
	expect_exit 1 en "$who" "$@" || return 1
	grep -qxF -- "rigbook: $code: $enw" "$RB_ERR" ||
		{ echo "under C: $(cat "$RB_ERR") is not: rigbook: $code: $enw"; return 1; }
	[[ $from == daemon ]] || server_said "$enw" || return 1
}

# The refusals worded from their reason and arguments: windows, lists of
# bookings, states, limits, codes and spaces, each provoked for real.
t_zh_refusals_worded() {
	local d d2 id b1 b2 entry z='（Asia/Shanghai）'
	zh_locale_or_skip
	zh_rig zh-ref || return 1
	zh_rig zh-ref2 || return 1
	zh_rig zh-ref3 || return 1
	d=$(rb_day 70)
	d2=$(rb_day 71)
	# a free window is booked, not waited for; a wait for a window waited for already
	refused_both FAILED_PRECONDITION "zh-ref 在 $d 10:00-12:00$z 空闲" \
		"zh-ref is free 10:00-12:00 on $d (Asia/Shanghai): book it (rigbook book zh-ref) instead of waiting" \
		"" alice wait zh-ref --from "$d 10:00" --to "$d 12:00" || return 1
	expect_exit 0 rb_as carol book zh-ref --from "$d 10:00" --to "$d 12:00" --json || return 1
	b1=$(booking_id)
	expect_exit 0 rb_as alice wait zh-ref --from "$d 10:00" --to "$d 12:00" || return 1
	entry=$(psql_q "SELECT max(id) FROM waitlist")
	refused_both FAILED_PRECONDITION "你已在候补 zh-ref 的 $d 10:00-12:00$z（候补 $entry）" \
		"you already wait for zh-ref 10:00-12:00 on $d (Asia/Shanghai) (entry $entry)" \
		"" alice wait zh-ref --from "$d 11:00" --to "$d 12:00" || return 1
	# a move to where the booking is
	expect_exit 0 rb_as alice book zh-ref --from "$d 14:00" --to "$d 15:00" --json || return 1
	b2=$(booking_id)
	refused_both INVALID_ARGUMENT "预约 $b2 已经是 $d 14:00-15:00$z" \
		"booking $b2 is already 14:00-15:00 on $d (Asia/Shanghai)" \
		"" alice move "$b2" --from "$d 14:00" --to "$d 15:00" || return 1
	# a closure and new hours over bookings list them, with their holders
	refused_both CONFLICT "zh-ref 在 $d 08:00-18:00$z 有预约：预约 $b1（$d 10:00-12:00$z，carol）；预约 $b2（$d 14:00-15:00$z，alice）；强制停用将取消这些预约" \
		"zh-ref has bookings in 08:00-18:00 on $d (Asia/Shanghai): booking $b1 (10:00-12:00 on $d (Asia/Shanghai), carol); booking $b2 (14:00-15:00 on $d (Asia/Shanghai), alice); force the closure to cancel them" \
		"carol" mgr closure add zh-ref --from "$d 08:00" --to "$d 18:00" --reason "检修" || return 1
	refused_both CONFLICT "新的开放时间会使 zh-ref 的这些预约落在开放时间之外：预约 $b1（$d 10:00-12:00$z，carol）；预约 $b2（$d 14:00-15:00$z，alice）" \
		"the new opening hours would leave bookings of zh-ref outside its opening hours: booking $b1 (10:00-12:00 on $d (Asia/Shanghai), carol); booking $b2 (14:00-15:00 on $d (Asia/Shanghai), alice); force it to cancel them" \
		"carol" mgr hours zh-ref 'mon-sun 20:00-21:00' || return 1
	# the most future bookings a member, and a startup, may hold
	expect_exit 0 rb_as mgr rules zh-ref --max-active 1 || return 1
	refused_both FAILED_PRECONDITION "你已持有 zh-ref 的 1 个未来预约；每位成员上限为 1 个" \
		"you already hold 1 future booking of zh-ref; the limit is 1 per member" \
		"" alice book zh-ref --from "$d2 10:00" --to "$d2 11:00" || return 1
	expect_exit 0 rb_as mgr rules zh-ref2 --max-active-startup 1 || return 1
	expect_exit 0 rb_as alice book zh-ref2 --from "$d 10:00" --to "$d 11:00" || return 1
	refused_both FAILED_PRECONDITION "acme 已持有 zh-ref2 的 1 个未来预约；每家企业上限为 1 个" \
		"acme already holds 1 future booking of zh-ref2; the limit is 1 per startup" \
		"" bob book zh-ref2 --from "$d 12:00" --to "$d 13:00" || return 1
	# states: a cancelled booking is neither cancelled again nor checked in
	expect_exit 0 rb_as alice cancel "$b2" --reason x || return 1
	refused_both FAILED_PRECONDITION "预约 $b2 的状态为已取消，不能再取消" \
		"booking $b2 is cancelled and can no longer be cancelled" \
		"" alice cancel "$b2" --reason "重复" || return 1
	refused_both FAILED_PRECONDITION "预约 $b2 的状态为已取消，不能签到" \
		"booking $b2 is cancelled and cannot be checked in" \
		"" alice checkin "$b2" || return 1
	refused_both FAILED_PRECONDITION "预约 $b2 的状态为已取消，不能再改期" \
		"booking $b2 is cancelled and can no longer be moved" \
		"" alice move "$b2" --from "$d 16:00" --to "$d 17:00" || return 1
	refused_both FAILED_PRECONDITION "预约 $b2 的状态为已取消，不能再转交" \
		"booking $b2 is cancelled and can no longer be handed over" \
		"" alice handover "$b2" bob || return 1
	# a date closed over a booking; a hand-over to one who holds the most
	refused_both CONFLICT "$d 闭馆会使 zh-ref 的这些预约落在开放时间之外：预约 $b1（$d 10:00-12:00$z，carol）" \
		"closing on $d would leave bookings of zh-ref outside its opening hours: booking $b1 (10:00-12:00 on $d (Asia/Shanghai), carol); force it to cancel them" \
		"carol" mgr exception zh-ref "$d" --closed --reason "停电" || return 1
	refused_both CONFLICT "$d 的这些开放时间会使 zh-ref 的这些预约落在开放时间之外：预约 $b1（$d 10:00-12:00$z，carol）" \
		"these hours on $d would leave bookings of zh-ref outside its opening hours: booking $b1 (10:00-12:00 on $d (Asia/Shanghai), carol); force it to cancel them" \
		"carol" mgr exception zh-ref "$d" --open 13:00-14:00 || return 1
	# staff of another institution are told what they may act on
	refused_both NOT_FOUND "没有你能看到的预约 $b1；作为 Test Institute of Optics 的管理员，你只能取消其资源的预约" \
		"there is no booking $b1 that you can see; as a manager of Test Institute of Optics you can cancel the bookings of its resources only" \
		"Test Institute of Optics" mgr-other cancel "$b1" --reason "不是我的" || return 1
	# staff act on a booking in the wrong state
	refused_both FAILED_PRECONDITION "预约 $b1 的状态为已确认，不在等待审批；只有待审批的预约才能批准" \
		"booking $b1 is confirmed, not waiting for approval; only a requested booking can be approved" \
		"" mgr approve "$b1" || return 1
	refused_both FAILED_PRECONDITION "预约 $b2 的状态为已取消；只有已确认且无人签到的预约才能记为爽约" \
		"booking $b2 is cancelled; only a confirmed booking nobody checked in for can be a no-show" \
		"" mgr noshow "$b2" || return 1
	expect_exit 0 rb_as bob book zh-ref --from "$d2 12:00" --to "$d2 13:00" || return 1
	expect_exit 0 rb_as alice book zh-ref --from "$d2 14:00" --to "$d2 15:00" --json || return 1
	id=$(booking_id)
	refused_both FAILED_PRECONDITION "bob 已持有 zh-ref 的 1 个未来预约；每位成员上限为 1 个" \
		"bob already holds 1 future booking of zh-ref; the limit is 1 per member" \
		"" alice handover "$id" bob || return 1
	# a startup and a member a space apart; a host institution that is not there
	refused_both INVALID_ARGUMENT "企业 acme 与单位 optics-inst 不在同一个空间" \
		"startup acme and institution optics-inst are in different spaces" \
		"" adm member add zh-m1 --name "张三" --role member --startup acme --institution optics-inst || return 1
	refused_both INVALID_ARGUMENT "acme 不在空间 other-space" \
		"acme is in another space than other-space" \
		"" adm member add zh-m2 --name "张三" --role member --startup acme --space other-space || return 1
	refused_both INVALID_ARGUMENT "test-works 不在空间 other-space" \
		"test-works is in another space than other-space" \
		"" adm member add zh-m4 --name "张三" --role manager --institution test-works --space other-space || return 1
	refused_both NOT_FOUND "没有名为 no-such-inst 的依托单位" \
		"no host institution is called no-such-inst" \
		"" adm resource add zh-x --name "试验台" --kind instrument --institution no-such-inst || return 1
	refused_both NOT_FOUND "没有名为 no-such-inst 的单位" \
		"no institution is called no-such-inst" \
		"" adm member add zh-m3 --name "张三" --role manager --institution no-such-inst || return 1
	# codes and credit codes
	refused_both INVALID_ARGUMENT "企业代码 x_1 无效" \
		"startup code x_1 is not valid: 1 to 40 lowercase letters, digits and dashes, starting with a letter or digit" \
		"" adm startup add x_1 --name "某企业" --space test-space || return 1
	refused_both INVALID_ARGUMENT "统一社会信用代码为 18 位；91370700 有 8 位" \
		"a unified social credit code has 18 characters; 91370700 has 8" \
		"" adm startup add zh-cc --name "某企业" --space test-space --credit-code 91370700 || return 1
	refused_both INVALID_ARGUMENT "标签由小写字母" \
		"daemon:tags are lowercase letters, digits, '.', '_' and '-', at most 40" \
		"" mgr resource edit zh-ref --tag "x y" || return 1
	# an operator and a startup of another space
	expect_exit 0 rb_as adm startup add zh-far --name "远方企业" --space other-space || return 1
	refused_both PERMISSION_DENIED "企业 zh-far 属于空间 other-space；运营方只能管理本空间（test-space）的企业和成员" \
		"startup zh-far belongs to space other-space; operators manage the startups and members of their own space (test-space) only" \
		"" oper startup edit zh-far --name "远方" || return 1
	# staff hold no startup's bookings
	refused_both FAILED_PRECONDITION "你不属于任何企业，没有企业预约可列出" \
		"daemon:you belong to no startup, so there are no startup bookings to list" \
		"" mgr bookings --startup || return 1
	# a qualification revoked
	expect_exit 0 rb_as mgr rules zh-ref3 --qualification || return 1
	expect_exit 0 rb_as mgr qualify bob zh-ref3 || return 1
	expect_exit 0 rb_as mgr unqualify bob zh-ref3 || return 1
	refused_both FAILED_PRECONDITION "bob 在 zh-ref3 上的使用资格已于 $(TZ=Asia/Shanghai date +%F) 撤销（由 Test Engine Works 的管理员重新授予：rigbook qualify bob zh-ref3）" \
		"bob's qualification on zh-ref3 was revoked on $(TZ=Asia/Shanghai date +%F) (a manager of Test Engine Works grants it again: rigbook qualify bob zh-ref3)" \
		"Test Engine Works" bob book zh-ref3 --from "$d2 12:00" --to "$d2 13:00" || return 1
	refused_both INVALID_ARGUMENT "有效期至 2020-01-02 00:00（Asia/Shanghai）的使用资格已经过期" \
		"a qualification until 2020-01-02 00:00 (Asia/Shanghai) would already have ended" \
		"" mgr qualify bob zh-ref3 --until 2020-01-01 || return 1
	# names and codes of new startups, members and resources
	refused_both INVALID_ARGUMENT "新企业需要名称（zh-nn）" "a new startup needs a name (zh-nn)" \
		"" adm startup add zh-nn --name "" --space test-space || return 1
	refused_both INVALID_ARGUMENT "新成员需要姓名（zh-nn）" "a new member needs a name (zh-nn)" \
		"" adm member add zh-nn --name "" --role member --startup acme || return 1
	refused_both INVALID_ARGUMENT "新资源需要名称" "a new resource needs a name" \
		"" mgr resource add zh-nn --name "" --kind instrument || return 1
	refused_both INVALID_ARGUMENT "账号 x_1 无效" \
		"handle x_1 is not valid: 1 to 40 lowercase letters, digits and dashes, starting with a letter or digit" \
		"" adm member add x_1 --name "张三" --role member --startup acme || return 1
	refused_both INVALID_ARGUMENT "资源代码由小写字母" \
		"a resource code is lowercase letters, digits and \"-\", at most 40, like rig-7" \
		"" mgr resource add x_1 --name "试验台" --kind instrument || return 1
	refused_both INVALID_ARGUMENT "91370700MA3C0I2X4K 的第 14 位（I）不允许" \
		"character 14 of 91370700MA3C0I2X4K (I) is not allowed: a unified social credit code uses the digits and the capitals A-Y without I, O, S, V and Z" \
		"91370700MA3C0I2X4K" adm startup add zh-cc --name "某企业" --space test-space \
		--credit-code 91370700MA3C0I2X4K || return 1
	refused_both INVALID_ARGUMENT "91A10000802100433B 的第 3-8 位（A10000）必须是数字：它们是行政区划码" \
		"characters 3-8 of 91A10000802100433B (A10000) must be digits: they are the administrative division code" \
		"91A10000802100433B|A10000" adm startup add zh-cc --name "某企业" --space test-space \
		--credit-code 91A10000802100433B || return 1
	refused_both INVALID_ARGUMENT "91110000802100433C 的校验码有误：按 GB 32100-2015 应为 B，而不是 C" \
		"the check character of 91110000802100433C is wrong: by GB 32100-2015 it must be B, not C" \
		"91110000802100433C" adm startup add zh-cc --name "某企业" --space test-space \
		--credit-code 91110000802100433C || return 1
	# a series whose bookings outlast its interval
	refused_both INVALID_ARGUMENT "系列预约每 1 天重复一次" \
		"each booking of a series repeating every 1 day(s) must fit in that time" \
		"" alice book zh-ref3 --from "$d 10:00" --to "$d2 11:00" --every day --count 2 || return 1
	# what staff must say, and what is another space's
	refused_both INVALID_ARGUMENT "请说明资源属于哪个依托单位" "say which host institution the resource belongs to" \
		"" adm resource add zh-y --name "试验台" --kind instrument || return 1
	refused_both INVALID_ARGUMENT "请说明企业 zh-s 加入哪个空间" "say which space startup zh-s joins" \
		"" adm startup add zh-s --name "某企业" || return 1
	refused_both PERMISSION_DENIED "Other Optics Maker Space 的报表仅供其运营方和系统管理员查看" \
		"the report of Other Optics Maker Space is for its operators and admins" \
		"Other Optics Maker Space" oper report --space other-space --from 2026-01-01 --to 2026-01-31 || return 1
	refused_both PERMISSION_DENIED "只有 Other Optics Maker Space 的运营方或系统管理员能为其开具账单" \
		"only an operator of Other Optics Maker Space or an admin can invoice it" \
		"Other Optics Maker Space" oper invoice run --period 2026-01 --space other-space || return 1
	# ranges that end before they begin
	refused_both INVALID_ARGUMENT "报表的结束日期（2026-01-01）早于开始日期（2026-02-01）" \
		"the report ends (to 2026-01-01) before it begins (from 2026-02-01)" \
		"" mgr report --from 2026-02-01 --to 2026-01-01 || return 1
	refused_both INVALID_ARGUMENT "创新券的结束日期（2026-01-01）早于开始日期（2026-02-01）" \
		"the voucher would end (2026-01-01) before it begins (2026-02-01)" \
		"" oper voucher add --startup acme --issuer "青岛市科技局" --coverage 50% --cap 1000 \
		--from 2026-02-01 --to 2026-01-01 || return 1
	# the daemon's own checks of a request's fields: what is missing, too big or not a text
	refused_both INVALID_ARGUMENT "金额须不小于 0，且不超过 1,000,000,000,000.00" \
		"daemon:an amount is 0 or more and at most 1,000,000,000,000.00" \
		"" oper voucher add --startup acme --issuer "青岛市科技局" --coverage 50% \
		--cap 20000000000000 --from 2026-02-01 --to 2026-03-01 || return 1
	refused_both INVALID_ARGUMENT "请说明哪家企业（用其代码）（最多 40 个可打印字符）" \
		"daemon:say which startup, by its code, in at most 40 printable characters" \
		"" adm startup add "" --name "某企业" --space test-space || return 1
	refused_both INVALID_ARGUMENT "请说明哪位成员（用账号）（最多 40 个可打印字符）" \
		"daemon:say which member, by a handle, in at most 40 printable characters" \
		"" adm member add "" --name "张三" --role member --startup acme || return 1
	refused_both INVALID_ARGUMENT "请说明哪张账单（用其编号）（最多 64 个可打印字符）" \
		"daemon:say which invoice, by its number (at most 64 printable characters)" \
		"" oper invoice show "" || return 1
	refused_both INVALID_ARGUMENT "请说明哪位成员（用其账号）（最多 40 个可打印字符）" \
		"daemon:say which member, by their handle (at most 40 printable characters)" \
		"" mgr qualify "" zh-ref3 || return 1
	refused_both INVALID_ARGUMENT "请用代码说明是哪个资源（最多 40 个字符）" \
		"daemon:say which resource, by its code (at most 40 characters)" \
		"" alice show "" || return 1
	refused_both INVALID_ARGUMENT "请用账号说明由本企业的哪位成员接手该预约" \
		"daemon:say which member of your startup takes the booking, by their handle" \
		"" alice handover "$b1" "" || return 1
	refused_both INVALID_ARGUMENT "请说明要取消哪个预约" "daemon:say which booking to cancel" \
		"" alice cancel 18446744073709551615 --reason "重复" || return 1
	refused_both INVALID_ARGUMENT "备注含有控制字符（U+0007）；文本须为可打印字符，可含制表符和换行" \
		"daemon:note holds a control character (U+0007); text is printable, with tabs and line breaks" \
		"" alice book zh-ref --from "$d2 16:00" --to "$d2 17:00" --note $'a\ab' || return 1
}

# bad_value_both ZH EN HANDLE ARGS...: a value the client refuses before
# it connects (exit 2): under zh_CN all Chinese, its stderr holding ZH;
# under C the line EN exactly.
bad_value_both() {
	local zhw=$1 enw=$2
	shift 2
	expect_exit 2 zh "$@" && all_chinese || return 1
	expect_stderr_contains "$zhw" || return 1
	expect_exit 2 en "$@" || return 1
	grep -qxF -- "$enw" "$RB_ERR" || { echo "under C: $(cat "$RB_ERR") is not: $enw"; return 1; }
}

# The time parser's words (common/rbtime.c): dates, times, weeks and
# windows the client cannot read, in the reader's language; English under C.
t_zh_time_words() {
	local d
	zh_locale_or_skip
	zh_rig zh-time || return 1
	d=$(rb_day 40)
	bad_value_both "rigbook: exception: “2026-1-5”不是日期：请写作 YYYY-MM-DD" \
		"rigbook: exception: 2026-1-5 is not a date: use YYYY-MM-DD" \
		mgr exception zh-time 2026-1-5 --closed || return 1
	bad_value_both "rigbook: exception: “2026-13-05”：没有 13 月" \
		"rigbook: exception: 2026-13-05: there is no month 13" \
		mgr exception zh-time 2026-13-05 --closed || return 1
	bad_value_both "rigbook: exception: “2027-02-29”：2027 年 2 月只有 28 天" \
		"rigbook: exception: 2027-02-29: February 2027 has 28 days" \
		mgr exception zh-time 2027-02-29 --closed || return 1
	bad_value_both "“9-10”中：“9”不是时刻：请写作 HH:MM，从 00:00 到 23:59" \
		"rigbook: exception: --open: in '9-10': '9' is not a time of day: use HH:MM from 00:00 to 23:59" \
		mgr exception zh-time "$d" --open 9-10 || return 1
	bad_value_both "rigbook: book: --from：“”不是时间：请写作 YYYY-MM-DD HH:MM（或 YYYY-MM-DD）" \
		"rigbook: book: --from:  is not a time: use YYYY-MM-DD HH:MM (or YYYY-MM-DD), optionally with :SS and an offset such as +08:00 or Z" \
		alice book zh-time --from "" --to "$d 10:00" || return 1
	bad_value_both "rigbook: move: --from：“$d 25:00”：时刻须在 00:00 到 23:59:59 之间" \
		"rigbook: move: --from: $d 25:00: the time of day must lie between 00:00 and 23:59:59" \
		alice move 1 --from "$d 25:00" --to "$d 26:00" || return 1
	bad_value_both "rigbook: calendar: --week：“2026-W54”：2026 年的周为 W01 至 W53" \
		"rigbook: calendar: --week: 2026-W54: 2026 has weeks W01 to W53" \
		alice calendar zh-time --week 2026-W54 || return 1
	bad_value_both "rigbook: hours: 周一：08:00-10:00 与 09:00-11:00 重叠" \
		"rigbook: hours: mon: 08:00-10:00 and 09:00-11:00 overlap" \
		mgr hours zh-time "mon 08:00-10:00,09:00-11:00" || return 1
	bad_value_both "rigbook: hours: “mon,mon 08:00-10:00”中：周一 重复给出" \
		"rigbook: hours: in 'mon,mon 08:00-10:00': mon is named twice" \
		mgr hours zh-time "mon,mon 08:00-10:00" || return 1
	# a good time still books
	expect_exit 0 zh alice book zh-time --from "$d 09:00" --to "$d 10:00" || return 1
	all_chinese || return 1
}
