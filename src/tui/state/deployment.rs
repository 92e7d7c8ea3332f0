//! The deployment step: how the homeserver is configured, what sits in
//! front of it, and the optional support contacts.

use tui_input::Input;

use crate::domain::answers::DEFAULT_UPSTREAM;
use crate::domain::{Answers, Deployment, Field, Proxy};

/// The text fields of the deployment step, in screen order.
pub const DEPLOY_TEXT_FIELDS: [Field; 5] = [
    Field::Upstream,
    Field::SupportPage,
    Field::SupportRole,
    Field::SupportEmail,
    Field::SupportMxid,
];

/// One row of the deployment form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployRow {
    Deployment,
    Proxy,
    /// Index into [`DEPLOY_TEXT_FIELDS`].
    Text(usize),
    /// The support contact's role: a choice of [`SUPPORT_ROLES`], kept in
    /// the text field at this index of [`DEPLOY_TEXT_FIELDS`].
    Role(usize),
}

/// The values the support role can take (the spec's two, or none: the
/// file then carries no role and readers assume an admin).
pub const SUPPORT_ROLES: [&str; 3] = ["", "m.role.admin", "m.role.security"];

impl DeployRow {
    pub const COUNT: usize = 2 + DEPLOY_TEXT_FIELDS.len();

    pub fn at(index: usize) -> DeployRow {
        match index {
            0 => DeployRow::Deployment,
            1 => DeployRow::Proxy,
            i => {
                let k = (i - 2).min(DEPLOY_TEXT_FIELDS.len() - 1);
                if DEPLOY_TEXT_FIELDS[k] == Field::SupportRole {
                    DeployRow::Role(k)
                } else {
                    DeployRow::Text(k)
                }
            }
        }
    }

    pub fn field(self) -> Field {
        match self {
            DeployRow::Deployment => Field::Deployment,
            DeployRow::Proxy => Field::Proxy,
            DeployRow::Text(i) | DeployRow::Role(i) => DEPLOY_TEXT_FIELDS[i],
        }
    }

    pub fn index_of(field: Field) -> Option<usize> {
        (0..DeployRow::COUNT).find(|i| DeployRow::at(*i).field() == field)
    }
}

#[derive(Debug, Clone)]
pub struct DeployForm {
    pub deployment: Deployment,
    pub proxy: Proxy,
    pub inputs: [Input; 5],
    pub focus: usize,
    pub submitted: bool,
}

impl Default for DeployForm {
    fn default() -> Self {
        let mut inputs: [Input; 5] = Default::default();
        inputs[0] = Input::new(DEFAULT_UPSTREAM.to_string());
        DeployForm {
            deployment: Deployment::ConfigFile,
            proxy: Proxy::Caddy,
            inputs,
            focus: 0,
            submitted: false,
        }
    }
}

impl DeployForm {
    pub fn from_answers(a: &Answers) -> DeployForm {
        let mut form = DeployForm {
            deployment: a.deployment,
            proxy: a.proxy,
            ..DeployForm::default()
        };
        for (i, field) in DEPLOY_TEXT_FIELDS.iter().enumerate() {
            let value = match field {
                Field::Upstream => &a.upstream,
                Field::SupportPage => &a.support_page,
                Field::SupportRole => &a.support_role,
                Field::SupportEmail => &a.support_email,
                _ => &a.support_mxid,
            };
            form.inputs[i] = Input::new(value.clone());
        }
        form
    }

    pub fn fill(&self, a: &mut Answers) {
        a.deployment = self.deployment;
        a.proxy = self.proxy;
        a.upstream = self.value(Field::Upstream).to_string();
        a.support_page = self.value(Field::SupportPage).to_string();
        a.support_role = self.value(Field::SupportRole).to_string();
        a.support_email = self.value(Field::SupportEmail).to_string();
        a.support_mxid = self.value(Field::SupportMxid).to_string();
    }

    pub fn value(&self, field: Field) -> &str {
        DEPLOY_TEXT_FIELDS
            .iter()
            .position(|f| *f == field)
            .map_or("", |i| self.inputs[i].value())
    }

    /// Replaces a text field's value (a default read from the config).
    pub fn set(&mut self, field: Field, value: &str) {
        if let Some(i) = DEPLOY_TEXT_FIELDS.iter().position(|f| *f == field) {
            self.inputs[i] = Input::new(value.to_string());
        }
    }

    pub fn row(&self) -> DeployRow {
        DeployRow::at(self.focus)
    }
}

/// Cycles through a list of choices (`forward` or back), wrapping around.
pub fn cycle<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
    let i = all.iter().position(|x| *x == current).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}
