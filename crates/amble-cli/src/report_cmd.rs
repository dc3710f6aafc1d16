//! `amble report`: a self-contained report for a doctor or physiotherapist (contract §9).

use std::io::Write;
use std::path::PathBuf;

use amble_store::Store;
use clap::{Args, ValueEnum};

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::context::parse_date;
use crate::failure::Failure;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Html,
    Pdf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (YYYY-MM-DD; default: 12 weeks before --to).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    /// Last day of the period (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<String>,
    /// html (self-contained, printable); pdf is not available yet.
    #[arg(long, value_enum, default_value_t = Format::Html)]
    format: Format,
    /// Where to write the report ("-" for stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

pub fn run(global: &Global, args: &ReportArgs) -> Result<(), Failure> {
    if matches!(args.format, Format::Pdf) {
        return Err(Failure::BadInput(
            "--format pdf is not available yet: write --format html and print it (it fits A4 and Letter)".into(),
        ));
    }
    let kb = load_kb()?;
    let to = match &args.to {
        Some(d) => parse_date("--to", d)?,
        None => global.today()?,
    };
    let weeks = match &args.from {
        Some(d) => {
            let from = parse_date("--from", d)?;
            if from > to {
                return Err(Failure::BadInput(format!(
                    "--from {from} is after --to {to}"
                )));
            }
            u32::try_from((to - from).get_days() / 7 + 1).unwrap_or(1)
        }
        None => amble_web::clinician::REPORT_WEEKS,
    };
    let entries = match global.open_existing_store()? {
        Some(s) => s.list()?,
        None => Vec::new(),
    };
    let html = amble_web::clinician::clinician_report_html(&entries, to, weeks, &kb, true)
        .ok_or_else(|| {
            Failure::BadInput("no check-up is stored yet: run `amble assess` first".into())
        })?;
    if args.output.as_os_str() == "-" {
        std::io::stdout().lock().write_all(html.as_bytes())?;
    } else {
        std::fs::write(&args.output, html).map_err(|e| {
            Failure::BadInput(format!(
                "{}: cannot write the report: {e}",
                args.output.display()
            ))
        })?;
        eprintln!("Wrote {}.", args.output.display());
    }
    Ok(())
}
