//! `amble remind --ics -o FILE`: the coming 4 weeks' walking days and check-ins as an
//! iCalendar file (contract §11) to import into a calendar.

use std::io::Write;
use std::path::PathBuf;

use amble_store::Store;
use clap::Args;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Write an iCalendar (.ics) file; the only format for now.
    #[arg(long, required = true)]
    ics: bool,
    /// Where to write it ("-" for stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

pub fn run(global: &Global, args: &RemindArgs) -> Result<(), Failure> {
    let _ = args.ics;
    let kb = load_kb()?;
    let today = global.today()?;
    let entries = match global.open_existing_store()? {
        Some(s) => s.list()?,
        None => Vec::new(),
    };
    if amble_core::plan::replay(&entries, today, &kb).is_err() {
        return Err(Failure::BadInput(
            "no check-up is stored yet: run `amble assess` first".into(),
        ));
    }
    let text = amble_web::ics::calendar(&entries, today, &kb);
    if args.output.as_os_str() == "-" {
        std::io::stdout().lock().write_all(text.as_bytes())?;
    } else {
        crate::private_file::write(&args.output, text).map_err(|e| {
            Failure::BadInput(format!(
                "{}: cannot write the calendar: {e}",
                args.output.display()
            ))
        })?;
        eprintln!(
            "Wrote {}: the next 4 weeks of walks and check-ins. Import it into your calendar, or subscribe to /calendar.ics while `amble serve` runs.",
            args.output.display()
        );
    }
    Ok(())
}
