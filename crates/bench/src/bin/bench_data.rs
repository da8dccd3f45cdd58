//! Writes a large Bitrix24-style contacts export (UTF-8, `;`) with the
//! messiness of real ones: phones in every notation, city aliases, e-mails
//! in odd case, empty cells. `bench-data --rows 1000000 --out contacts.csv`

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use bench::SplitMix;
use clap::Parser;

/// Writes a large CRM export for import benchmarks.
#[derive(Parser)]
struct Args {
    /// How many data rows.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

const SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
];
const NAMES: &[&str] = &[
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Иван",
    "Михаил",
    "Артём",
    "Никита",
];
const PATRONYMICS: &[&str] = &[
    "Александрович",
    "Дмитриевич",
    "Сергеевич",
    "Андреевич",
    "Иванович",
    "Михайлович",
    "",
];
const CITIES: &[&str] = &[
    "Москва",
    "г. Москва",
    "МСК",
    "Санкт-Петербург",
    "СПб",
    "Екатеринбург",
    "Казань",
    "Новосибирск",
    "",
    "Нижний Новгород",
];
const SOURCES: &[&str] = &[
    "Сайт",
    "Звонок",
    "Рекомендация",
    "Авито",
    "Telegram",
    "WhatsApp",
];
const OWNERS: &[&str] = &[
    "Мария Петрова",
    "Олег Смирнов",
    "Анна Кузнецова",
    "Дмитрий Волков",
    "",
];
const COMMENTS: &[&str] = &[
    "",
    "",
    "перезвонить",
    "Хочет скидку",
    "Интересуется доставкой в регионы",
    "не берёт трубку",
];

fn phone(rng: &mut SplitMix) -> String {
    let digits = format!("9{:02}{:07}", rng.below(100), rng.below(10_000_000));
    let (a, b, c, d) = (&digits[0..3], &digits[3..6], &digits[6..8], &digits[8..10]);
    match rng.below(6) {
        0 => format!("8 ({a}) {b}-{c}-{d}"),
        1 => format!("+7 {a} {b} {c} {d}"),
        2 => format!("8{digits}"),
        3 => format!("+7({a}){b}-{c}-{d}"),
        4 => format!("7{digits}"),
        _ => format!("8-{a}-{b}-{c}-{d}"),
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut rng = SplitMix::new(args.seed);
    writeln!(
        out,
        "ID;Имя;Отчество;Фамилия;Мобильный телефон;Рабочий телефон;Рабочий e-mail;Город;Источник;Ответственный;Комментарий;Дата создания"
    )?;
    for id in 1..=args.rows {
        let surname = rng.pick(SURNAMES);
        let name = rng.pick(NAMES);
        let patronymic = rng.pick(PATRONYMICS);
        let mobile = phone(&mut rng);
        let work = if rng.below(4) == 0 {
            phone(&mut rng)
        } else {
            String::new()
        };
        let email = match rng.below(5) {
            0 => String::new(),
            1 => format!("Client{id}@Mail.RU"),
            _ => format!("client{id}@example.ru"),
        };
        let (day, month, hour) = (1 + rng.below(28), 1 + rng.below(12), 8 + rng.below(12));
        writeln!(
            out,
            "{id};{name};{patronymic};{surname};{mobile};{work};{email};{};{};{};{};{day:02}.{month:02}.2025 {hour:02}:15:00",
            rng.pick(CITIES),
            rng.pick(SOURCES),
            rng.pick(OWNERS),
            rng.pick(COMMENTS),
        )?;
    }
    out.flush()?;
    eprintln!("wrote {} rows to {}", args.rows, args.out.display());
    Ok(())
}
