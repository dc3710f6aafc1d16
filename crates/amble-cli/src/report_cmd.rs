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
    /// First day of the period (YYYY-MM-DD; default: 12 weeks before --to, never before the
    /// first check-up).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    /// Last day of the period (YYYY-MM-DD; default: today; never after today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<String>,
    /// html (self-contained, printable) or pdf.
    #[arg(long, value_enum, default_value_t = Format::Html)]
    format: Format,
    /// Paper size of the PDF (the HTML prints on either).
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    paper: PaperArg,
    /// Where to write the report ("-" for stdout). Needed unless --json prints the report's
    /// data instead.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(global: &Global, args: &ReportArgs) -> Result<(), Failure> {
    let output = match (&args.output, global.json) {
        (Some(o), true) if o.as_os_str() == "-" => {
            return Err(Failure::BadInput(
                "--json prints the report's data on stdout: give -o FILE for the HTML or PDF, or leave -o out".into(),
            ));
        }
        (Some(o), _) => Some(o.clone()),
        (None, true) => None,
        (None, false) => {
            return Err(Failure::BadInput(
                "-o FILE is needed: where to write the report (\"-\" for stdout), or --json for its data".into(),
            ));
        }
    };
    if matches!(args.format, Format::Pdf)
        && output.as_ref().is_some_and(|o| o.as_os_str() == "-")
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(Failure::BadInput(
            "a PDF is not for the terminal: write it to a file with -o FILE".into(),
        ));
    }
    let kb = load_kb()?;
    let today = global.today()?;
    let to = args
        .to
        .as_deref()
        .map(|d| parse_date("--to", d))
        .transpose()?;
    let from = args
        .from
        .as_deref()
        .map(|d| parse_date("--from", d))
        .transpose()?;
    let entries = match global.open_existing_store()? {
        Some(s) => s.list()?,
        None => Vec::new(),
    };
    let (from, to) = amble_core::clinician::period(
        &entries,
        today,
        from,
        to,
        amble_web::clinician::REPORT_WEEKS,
    )
    .map_err(|e| match e {
        amble_core::clinician::BadPeriod::ToAfterToday { to, today } => Failure::BadInput(format!(
            "--to {to} is after today ({today}): a report covers days that have happened"
        )),
        amble_core::clinician::BadPeriod::FromAfterTo { from, to } => {
            Failure::BadInput(format!("--from {from} is after --to {to}"))
        }
    })?;
    let report = amble_core::clinician::build_period(&entries, from, to, today, &kb).map_err(
        |e| match e {
            amble_core::clinician::NoReport::NoCheckup => {
                Failure::BadInput("no check-up is stored yet: run `amble assess` first".into())
            }
            other => Failure::BadInput(other.to_string()),
        },
    )?;
    if global.json {
        let doc = amble_core::clinician::json::document(&report);
        let text = serde_json::to_string_pretty(&doc).map_err(anyhow::Error::from)?;
        let Some(output) = output else {
            writeln!(std::io::stdout().lock(), "{text}")?;
            return Ok(());
        };
        write_report(&report, &kb, args, &output)?;
        writeln!(std::io::stdout().lock(), "{text}")?;
        return Ok(());
    }
    match output {
        Some(o) => write_report(&report, &kb, args, &o),
        None => Ok(()),
    }
}

/// Writes the report as HTML or PDF to `output` ("-" for stdout).
fn write_report(
    report: &amble_core::clinician::ClinicianReport,
    kb: &amble_core::knowledge::KnowledgeBase,
    args: &ReportArgs,
    output: &std::path::Path,
) -> Result<(), Failure> {
    let bytes = match args.format {
        Format::Html => amble_web::clinician::render(report, kb, true, false)
            .ok_or_else(|| anyhow::anyhow!("the report could not be rendered"))?
            .into_bytes(),
        Format::Pdf => {
            let paper = match args.paper {
                PaperArg::A4 => amble_pdf::Paper::A4,
                PaperArg::Letter => amble_pdf::Paper::Letter,
            };
            amble_pdf::clinician_report_pdf(report, kb, paper).map_err(anyhow::Error::from)?
        }
    };
    if output.as_os_str() == "-" {
        std::io::stdout().lock().write_all(&bytes)?;
    } else {
        crate::private_file::write(output, bytes).map_err(|e| {
            Failure::BadInput(format!(
                "{}: cannot write the report: {e}",
                output.display()
            ))
        })?;
        eprintln!("Wrote {}.", output.display());
    }
    Ok(())
}
