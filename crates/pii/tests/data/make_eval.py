#!/usr/bin/env python3
"""Builds eval.jsonl from eval_source.txt, the hand-written evaluation texts.

Each paragraph of eval_source.txt (separated by a blank line) is one text.
Personal data is marked inline as [[KIND:text]]; `{NAME}` placeholders stand
for numbers that need valid (or deliberately invalid) check digits and are
filled from a fixed seed, so the output is the same on every run.
Lines starting with '#' are comments. Run: python3 make_eval.py
"""
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).parent
rng = random.Random(20240611)


def digits(n, first=None):
    s = ''.join(str(rng.randint(0, 9)) for _ in range(n))
    return (first + s[len(first):]) if first else s


def inn10(prefix=None):
    p = digits(9, prefix or str(rng.choice([1, 2, 3, 4, 5, 6, 7])) + str(rng.randint(0, 9)))
    w = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return p + str(sum(int(a) * b for a, b in zip(p, w)) % 11 % 10)


def inn12():
    p = digits(10, str(rng.choice([1, 2, 3, 4, 5, 6, 7])) + str(rng.randint(0, 9)))
    w1 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    p += str(sum(int(a) * b for a, b in zip(p, w1)) % 11 % 10)
    w2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    return p + str(sum(int(a) * b for a, b in zip(p, w2)) % 11 % 10)


def broken(number):
    last = (int(number[-1]) + rng.randint(1, 9)) % 10
    return number[:-1] + str(last)


def snils_digits():
    p = digits(9, str(rng.randint(0, 1)))
    s = sum(int(c) * w for c, w in zip(p, range(9, 0, -1)))
    c = s if s < 100 else 0 if s in (100, 101) else (s % 101 if s % 101 != 100 else 0)
    return p + '%02d' % c


def snils(sep1='-', sep2=' '):
    d = snils_digits()
    return f'{d[:3]}{sep1}{d[3:6]}{sep1}{d[6:9]}{sep2}{d[9:]}'


def luhn(prefix, length=16):
    p = prefix + digits(length - 1 - len(prefix))
    for d in '0123456789':
        s = p + d
        total = 0
        for i, c in enumerate(reversed(s)):
            v = int(c) * (2 if i % 2 else 1)
            total += v - 9 if v > 9 else v
        if total % 10 == 0:
            return s


def spaced(number, sep=' '):
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


def ogrn():
    p = digits(12, '1' + rng.choice('01') + rng.choice('0123456789'))
    return p + str(int(p) % 11 % 10)


def ogrnip():
    p = digits(14, '3' + rng.choice('01'))
    return p + str(int(p) % 13 % 10)


def account(prefix):
    return prefix + digits(20 - len(prefix))


FILL = {
    'INN10': lambda: inn10(),
    'INN10_9': lambda: inn10('97'),
    'INN12': inn12,
    'INN10_BAD': lambda: broken(inn10()),
    'INN12_BAD': lambda: broken(inn12()),
    'SNILS': lambda: snils(),
    'SNILS_D': lambda: snils('-', '-'),
    'SNILS_S': lambda: snils(' ', ' '),
    'SNILS_C': snils_digits,
    'SNILS_BAD': lambda: broken(snils()),
    'CARD_V': lambda: spaced(luhn('4' + rng.choice(['276', '279', '817', '100']))),
    'CARD_M': lambda: spaced(luhn('5' + rng.choice('12345') + '69')),
    'CARD_MD': lambda: spaced(luhn('5' + rng.choice('12345') + '32'), '-'),
    'CARD_MIR': lambda: spaced(luhn('220' + rng.choice('01234'))),
    'CARD_C': lambda: luhn('4' + rng.choice(['276', '279', '817'])),
    'CARD_BAD': lambda: spaced(broken(luhn('4276'))),
    'CARD_BAD_C': lambda: broken(luhn('5469')),
    'OGRN': ogrn,
    'OGRNIP': ogrnip,
    'OGRN_BAD': lambda: broken(ogrn()),
    'ACC': lambda: account('40702810'),
    'ACC_IP': lambda: account('40802810'),
    'ACC_FL': lambda: account('40817810'),
    'KS': lambda: account('30101810'),
}

MARK = re.compile(r'\[\[([A-Z_]+):(.+?)\]\]')


def fill(text):
    return re.sub(r'\{([A-Z0-9_]+)\}', lambda m: FILL[m.group(1)](), text)


def build(paragraph):
    paragraph = fill(paragraph)
    out, entities, pos = [], [], 0
    for m in MARK.finditer(paragraph):
        out.append(paragraph[pos:m.start()])
        start = sum(len(s) for s in out)
        out.append(m.group(2))
        entities.append({'type': m.group(1), 'start': start, 'end': start + len(m.group(2)), 'text': m.group(2)})
        pos = m.end()
    out.append(paragraph[pos:])
    return {'text': ''.join(out), 'entities': entities}


def main():
    for source_name, output_name in [('eval_source.txt', 'eval.jsonl'), ('holdout_source.txt', 'holdout.jsonl')]:
        source = (HERE / source_name).read_text(encoding='utf-8')
        lines = [line for line in source.splitlines() if not line.startswith('#')]
        paragraphs = [p.strip('\n') for p in '\n'.join(lines).split('\n\n') if p.strip()]
        with open(HERE / output_name, 'w', encoding='utf-8') as f:
            for paragraph in paragraphs:
                f.write(json.dumps(build(paragraph.replace('\\n', '\n')), ensure_ascii=False) + '\n')
        print(output_name, len(paragraphs), 'texts')


if __name__ == '__main__':
    main()
