"""Intent data sets for the NLU benchmark, and the baseline beside them.

    python3 crates/bench/nlu/peers.py DATASETS_DIR OUT_DIR

Writes BANKING77 and CLINC150 (full; its 100 out-of-scope training
examples as the intent `out_of_scope`) as Rasa NLU YAML under OUT_DIR, so
fundament reads them as any Rasa user's data, and prints, as one JSON line
per set, the baseline the issue names: scikit-learn TF-IDF over character
2-5 grams (`char_wb`) + logistic regression (defaults, max_iter raised so
it converges), trained and tested on the same examples. The Russian set is
read from crates/bench/nlu/ru/{train,test}.yml.
"""
import csv
import json
import os
import re
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ANNOTATION = re.compile(r'\[([^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])')


def write_yaml(path, examples):
    by_intent = {}
    for text, intent in examples:
        by_intent.setdefault(intent, []).append(text)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('version: "3.1"\nnlu:\n')
        for intent, texts in by_intent.items():
            f.write(f'- intent: {intent}\n  examples: |\n')
            for t in texts:
                # Brackets would read as entity annotations.
                t = ' '.join(t.replace('[', '(').replace(']', ')').split())
                f.write(f'    - {t}\n')


def read_yaml(path):
    """Examples of a Rasa file written like ours: `- intent:` then `- ` lines."""
    examples, intent = [], None
    for line in open(path, encoding='utf-8'):
        m = re.match(r'\s*- intent: (\S+)', line)
        if m:
            intent = m.group(1)
            continue
        if re.match(r'\s*- (synonym|lookup|regex):', line):
            intent = None
            continue
        m = re.match(r'\s+- (.*)$', line)
        if m and intent:
            examples.append((ANNOTATION.sub(r'\1', m.group(1)), intent))
    return examples


def baseline(name, train, test, oos=None):
    started = time.time()
    vectoriser = TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5))
    x = vectoriser.fit_transform([t for t, _ in train])
    model = LogisticRegression(max_iter=2000).fit(x, [i for _, i in train])
    predicted = model.predict(vectoriser.transform([t for t, _ in test]))
    gold = [i for _, i in test]
    result = {
        'set': name,
        'train': len(train),
        'test': len(test),
        'accuracy': round(sum(p == g for p, g in zip(predicted, gold)) / len(gold), 4),
        'seconds': round(time.time() - started, 1),
    }
    if oos:
        inscope = [(p, g) for p, g in zip(predicted, gold) if g != oos]
        outside = [p for p, g in zip(predicted, gold) if g == oos]
        result['in_scope_accuracy'] = round(sum(p == g for p, g in inscope) / len(inscope), 4)
        result['oos_recall'] = round(sum(p == oos for p in outside) / len(outside), 4)
    print(json.dumps(result), flush=True)


def main():
    datasets, out = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))

    def rows(f):
        return [(r['text'], r['category']) for r in csv.DictReader(open(f'{datasets}/banking77/{f}', encoding='utf-8'))]

    sets = {'banking77': (rows('train.csv'), rows('test.csv'), None)}
    clinc = json.load(open(f'{datasets}/clinc150/data_full.json', encoding='utf-8'))
    relabel = lambda pairs: [(t, 'out_of_scope' if i == 'oos' else i) for t, i in pairs]
    sets['clinc150'] = (
        relabel(clinc['train'] + clinc['oos_train']),
        relabel(clinc['test'] + clinc['oos_test']),
        'out_of_scope',
    )
    for name, (train, test, oos) in sets.items():
        os.makedirs(f'{out}/{name}', exist_ok=True)
        write_yaml(f'{out}/{name}/train.yml', train)
        write_yaml(f'{out}/{name}/test.yml', test)
    sets['ru'] = (read_yaml(f'{here}/ru/train.yml'), read_yaml(f'{here}/ru/test.yml'), None)
    for name, (train, test, oos) in sets.items():
        baseline(name, train, test, oos)


if __name__ == '__main__':
    main()
