//! The rules of access, as pure functions.

/// A session lasts 12 hours: a working day, after which the person signs in again
/// (ANSSI, *recommandations relatives à l'authentification multifacteur et aux mots de passe*, R28:
/// limit the lifetime of sessions).
pub const SESSION_LIFETIME_MS: i64 = 12 * 3600 * 1000;

/// Window over which failed logins are counted.
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures allowed on one login within the window before it is locked.
pub const MAX_FAILURES_PER_LOGIN: i64 = 5;
/// Failures allowed from one address within the window (many logins tried from one place).
pub const MAX_FAILURES_PER_IP: i64 = 30;

/// Whether a login attempt must be refused before even checking the password.
pub fn is_throttled(failures_for_login: i64, failures_from_ip: i64) -> bool {
    failures_for_login >= MAX_FAILURES_PER_LOGIN || failures_from_ip >= MAX_FAILURES_PER_IP
}

/// Minimum length of a password (ANSSI recommends at least 12 characters for a password alone).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Checks a new password; returns the reason in French when it is refused.
pub fn check_password(password: &str, email: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("le mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères"));
    }
    if password.chars().count() > 256 {
        return Err("le mot de passe ne peut dépasser 256 caractères".into());
    }
    if password.eq_ignore_ascii_case(email) {
        return Err("le mot de passe ne peut être l'adresse électronique".into());
    }
    Ok(())
}

/// Normalises an e-mail address for storage and comparison; refuses what cannot be one.
pub fn normalise_email(input: &str) -> Result<String, String> {
    let email = input.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if valid && email.len() <= 254 { Ok(email) } else { Err(format!("« {} » n'est pas une adresse électronique valide", input.trim())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_table() {
        let cases = [(0, 0, false), (4, 29, false), (5, 0, true), (0, 30, true), (6, 31, true)];
        for (login, ip, expected) in cases {
            assert_eq!(is_throttled(login, ip), expected, "login={login} ip={ip}");
        }
    }

    #[test]
    fn password_table() {
        let cases = [("court", false), ("onze-carac", false), ("douze-caract", true), ("é-é-é-é-é-é-", true), ("agent@juvignac.fr", false)];
        for (password, ok) in cases {
            assert_eq!(check_password(password, "agent@juvignac.fr").is_ok(), ok, "{password}");
        }
        assert!(check_password(&"x".repeat(257), "a@b.fr").is_err());
    }

    #[test]
    fn email_table() {
        let cases = [
            ("  Agent@Juvignac.FR ", Some("agent@juvignac.fr")),
            ("agent@juvignac", None),
            ("@juvignac.fr", None),
            ("agent juvignac@x.fr", None),
            ("agent@@x.fr", None),
            ("agent", None),
        ];
        for (input, expected) in cases {
            assert_eq!(normalise_email(input).ok().as_deref(), expected, "{input}");
        }
    }
}
