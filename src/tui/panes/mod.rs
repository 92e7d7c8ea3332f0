//! The text of the scrollable panes, as styled lines at a given width: the
//! teaching panel, the current review tab, the selected check's details and
//! the diff of the write confirmation. The view draws these lines; update
//! counts them to know how far each pane can scroll, so both always agree.
//! Outside text goes through [`crate::safe_text::display`] here.

mod details;
mod diff;
mod lesson;
mod review_tab;

pub use details::{detail_lines, short_name};
pub use diff::{diff_lines, diff_style};
pub use lesson::lesson_lines;
pub use review_tab::tab_lines;
