#!/usr/bin/env python3
"""Compile migrations/NNNN_name.sql into a C array, in order."""
import os
import sys

out, inputs = sys.argv[1], sorted(sys.argv[2:], key=os.path.basename)


def c_string(text):
    parts = []
    for line in text.splitlines(keepends=True):
        esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\t', '\\t')
        parts.append('\t"%s"' % esc)
    return '\n'.join(parts) if parts else '\t""'


with open(out, 'w', encoding='utf-8') as f:
    f.write('/* generated from migrations/ by embed_migrations.py; do not edit */\n')
    f.write('#include "migrate.h"\n\n')
    f.write('const struct migration migrations[] = {\n')
    for path in inputs:
        name = os.path.basename(path)[:-len('.sql')]
        with open(path, encoding='utf-8') as src:
            f.write('\t{ "%s",\n%s },\n' % (name, c_string(src.read())))
    f.write('};\n\n')
    f.write('const int n_migrations = %d;\n' % len(inputs))
