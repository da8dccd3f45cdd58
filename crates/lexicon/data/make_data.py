"""Builds the lexicon's data files from ../shared/datasets (run once; outputs are committed).

Sources and licences: ru_person_names (russiannames 2.0.0, BSD-3-Clause),
ru_cities (GeoNames CC BY 4.0), ru_regions (ODbL-1.0). See README.md.
"""
import csv, gzip, re, sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/datasets"
RU = re.compile(r"^[А-Яа-яЁё][А-Яа-яЁё\- ]*$")

def rows(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        yield from csv.DictReader(f)

with open("first_names.tsv", "w") as out:
    for r in rows(f"{SRC}/ru_person_names/names.csv.gz"):
        if int(r["count"]) >= 5 and RU.match(r["text"]) and r["gender"] in "mf":
            out.write(f"{r['text']}\t{r['gender']}\t{r['count']}\n")

with open("patronymics.tsv", "w") as out:
    for r in rows(f"{SRC}/ru_person_names/midnames.csv.gz"):
        if int(r["count"]) >= 5 and RU.match(r["text"]) and r["gender"] in "mf":
            out.write(f"{r['text']}\t{r['gender']}\t{r['fname']}\n")

with gzip.open("surnames.tsv.gz", "wt", compresslevel=9) as out:
    for r in rows(f"{SRC}/ru_person_names/surnames.csv.gz"):
        if int(r["count"]) >= 3 and len(r["text"]) >= 2 and RU.match(r["text"]):
            out.write(f"{r['text']}\t{r['gender'] or 'u'}\t{r['f_form']}\t{r['count']}\n")

with open("regions.tsv", "w") as out:
    for r in rows(f"{SRC}/ru_regions/ru_regions.csv"):
        out.write(f"{r['iso3166_2']}\t{r['name_ru']}\t{r['name_en_csc']}\t{r['name_native_csc']}\n")
    out.write("RU-CR\tРеспублика Крым\tCrimea\tКрым\n")
    out.write("RU-SEV\tг. Севастополь\tSevastopol\tСевастополь\n")

# The gazetteer writes е for ё and misses Crimea; these are the names people and
# official sources use.
RENAME = {"Орел": "Орёл", "Королев": "Королёв", "Щелково": "Щёлково", "Озерск": "Озёрск",
          "Березовский": "Берёзовский", "Киселевск": "Киселёвск", "Пугачев": "Пугачёв",
          "Семенов": "Семёнов", "Улан Уде": "Улан-Удэ", "Ртищево": "Ртищево"}
EXTRA = [
    ("Севастополь", "Sevastopol", "547820", "RU-SEV", "г. Севастополь", "Севас"),
    ("Симферополь", "Simferopol", "341799", "RU-CR", "Республика Крым", "Симф"),
    ("Керчь", "Kerch", "149566", "RU-CR", "Республика Крым", ""),
    ("Евпатория", "Yevpatoriya", "105719", "RU-CR", "Республика Крым", ""),
    ("Ялта", "Yalta", "76746", "RU-CR", "Республика Крым", ""),
    ("Феодосия", "Feodosiya", "69038", "RU-CR", "Республика Крым", ""),
]
with open("cities.tsv", "w") as out:
    extra = sorted(EXTRA, key=lambda e: -int(e[2]))
    for r in rows(f"{SRC}/ru_cities/ru_cities_geonames500.csv"):
        if not r["name_ru"]:
            continue
        while extra and int(extra[0][2]) > int(r["population"]):
            out.write("\t".join(extra.pop(0)) + "\n")
        r["name_ru"] = RENAME.get(r["name_ru"], r["name_ru"])
        variants = [v for v in r["cyrillic_variants"].split("|") if RU.match(v) and v != r["name_ru"]]
        out.write("\t".join([r["name_ru"], r["name_latin"], r["population"], r["iso3166_2"],
                             r["region_name_ru"], "|".join(variants)]) + "\n")
