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

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PaperArg {
    A4,
    Letter,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (YYYY-MM-DD; default: 12 weeks before --to).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    /// Last day of the period (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<String>,
    /// html (self-contained, printable) or pdf.
    #[arg(long, value_enum, default_value_t = Format::Html)]
    format: Format,
    /// Paper size of the PDF (the HTML prints on either).
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    paper: PaperArg,
    /// Where to write the report ("-" for stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

pub fn run(global: &Global, args: &ReportArgs) -> Result<(), Failure> {
    if matches!(args.format, Format::Pdf)
        && args.output.as_os_str() == "-"
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(Failure::BadInput(
            "a PDF is not for the terminal: write it to a file with -o FILE".into(),
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
    let report = amble_core::clinician::build(&entries, to, weeks, &kb).ok_or_else(|| {
        Failure::BadInput("no check-up is stored yet: run `amble assess` first".into())
    })?;
    let bytes = match args.format {
        Format::Html => amble_web::clinician::render(&report, &kb, true, false)
            .ok_or_else(|| anyhow::anyhow!("the report could not be rendered"))?
            .into_bytes(),
        Format::Pdf => {
            let paper = match args.paper {
                PaperArg::A4 => amble_pdf::Paper::A4,
                PaperArg::Letter => amble_pdf::Paper::Letter,
            };
            amble_pdf::clinician_report_pdf(&report, &kb, paper).map_err(anyhow::Error::from)?
        }
    };
    if args.output.as_os_str() == "-" {
        std::io::stdout().lock().write_all(&bytes)?;
    } else {
        crate::private_file::write(&args.output, bytes).map_err(|e| {
            Failure::BadInput(format!(
                "{}: cannot write the report: {e}",
                args.output.display()
            ))
        })?;
        eprintln!("Wrote {}.", args.output.display());
    }
    Ok(())
}
