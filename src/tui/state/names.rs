//! The names step: server name, delegated host, and the two optional
//! addresses that usually follow from them.

use tui_input::Input;

use crate::domain::{Answers, Field};

use crate::tui::data::ConfigInfo;

/// The fields of the names step, in screen order.
pub const NAME_FIELDS: [Field; 4] = [
    Field::ServerName,
    Field::Host,
    Field::Port,
    Field::ClientUrl,
];

#[derive(Debug, Clone, Default)]
pub struct NamesForm {
    pub inputs: [Input; 4],
    pub focus: usize,
    /// Enter was pressed once: empty required fields now show as errors.
    pub submitted: bool,
}

impl NamesForm {
    /// Pre-fills from a config file: its `server_name`, and the host, port
    /// and client URL its `[global.well_known]` already announces.
    pub fn from_config(info: &ConfigInfo) -> NamesForm {
        let mut form = NamesForm::default();
        if let Some(name) = &info.server_name {
            form.set(Field::ServerName, name);
        }
        if let Some(server) = &info.well_known.server {
            let (host, port) = match server.rsplit_once(':') {
                Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') => {
                    (h, p)
                }
                _ => (server.as_str(), ""),
            };
            form.set(Field::Host, host);
            if port != "443" {
                form.set(Field::Port, port);
            }
        }
        if let Some(client) = &info.well_known.client {
            let host = form.value(Field::Host).to_string();
            let default = format!("https://{host}");
            if client.trim_end_matches('/') != default {
                form.set(Field::ClientUrl, client);
            }
        }
        form
    }

    pub fn from_answers(a: &Answers) -> NamesForm {
        let mut form = NamesForm::default();
        form.set(Field::ServerName, &a.server_name);
        form.set(Field::Host, &a.host);
        form.set(Field::Port, &a.port);
        form.set(Field::ClientUrl, &a.client_url);
        form
    }

    pub fn fill(&self, a: &mut Answers) {
        a.server_name = self.value(Field::ServerName).to_string();
        a.host = self.value(Field::Host).to_string();
        a.port = self.value(Field::Port).to_string();
        a.client_url = self.value(Field::ClientUrl).to_string();
    }

    pub fn index(field: Field) -> Option<usize> {
        NAME_FIELDS.iter().position(|f| *f == field)
    }

    pub fn value(&self, field: Field) -> &str {
        NamesForm::index(field).map_or("", |i| self.inputs[i].value())
    }

    pub fn set(&mut self, field: Field, value: &str) {
        if let Some(i) = NamesForm::index(field) {
            self.inputs[i] = Input::new(value.to_string());
        }
    }

    pub fn focused(&self) -> Field {
        NAME_FIELDS[self.focus.min(NAME_FIELDS.len() - 1)]
    }

    pub fn focus_field(&mut self, field: Field) {
        if let Some(i) = NamesForm::index(field) {
            self.focus = i;
        }
    }
}
