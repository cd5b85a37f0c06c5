//! Why an @ctes value, message or package was refused. The messages are in French: they reach the agents who
//! prepared the transmission, or the operators who read a message the prefecture sent back.

use kernel::CodeError;

/// One error type for the whole @ctes layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalityError {
    #[error(
        "le département « {0} » est invalide : 3 caractères attendus, 0 ou 9, un chiffre, puis un chiffre, A ou B \
         (ex. 034, 02A, 974)"
    )]
    Departement(String),
    #[error("l'arrondissement « {0} » est invalide : un seul chiffre attendu (0 à 9)")]
    Arrondissement(String),
    #[error("le numéro interne « {0} » est invalide : 1 à 15 caractères parmi les lettres non accentuées, les chiffres et « _ »")]
    InternalNumber(String),
    #[error("la nature d'acte « {0} » est inconnue (attendu : 1 à 6, ou DE, AR, AI, CC, BF, AU)")]
    Nature(String),
    #[error("l'identifiant d'acte « {input} » est invalide : {reason}")]
    Identifier { input: String, reason: String },
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error("l'objet de l'acte est vide")]
    EmptySubject,
    #[error("l'objet de l'acte compte {0} caractères ; @ctes en accepte 500 au plus")]
    SubjectTooLong(usize),
    #[error("la classification « {0} » est invalide : 2 à 5 codes numériques séparés par des points sont attendus (ex. 7.1)")]
    MatterCodes(String),
    #[error("la matière « {code} » n'existe pas dans la classification du {version}")]
    UnknownMatter { code: String, version: String },
    #[error("le type de pièce « {code} » n'est pas prévu pour la nature « {nature} » dans la classification")]
    UnknownPieceType { code: String, nature: String },
    #[error("le type de pièce « {0} » est invalide : 2 caractères, « _ », puis 2 caractères, en majuscules (ex. 99_DE)")]
    PieceType(String),
    #[error("le code nature de la collectivité « {0} » est invalide : 2 chiffres attendus")]
    CollectivityNature(String),
    #[error(
        "l'adresse électronique « {0} » est refusée par @ctes (lettres non accentuées, chiffres, « . », « _ » et « - » \
         seulement, puis un domaine)"
    )]
    Email(String),
    #[error("au moins une adresse électronique de retour est nécessaire pour recevoir les réponses de la préfecture")]
    NoReturnEmail,
    #[error("le code « {0} » de l'opérateur de télétransmission est invalide : {1}")]
    Operator(String, &'static str),
    #[error("le numéro d'ordre de l'enveloppe du jour doit être au moins 1")]
    Serial,
    #[error("le fichier « {0} » n'est pas accepté par @ctes : extensions admises pdf, xml, png, jpg, jpeg")]
    FileExtension(String),
    #[error("le fichier « {0} » est vide")]
    EmptyFile(String),
    #[error("l'acte {identifier} n'appartient pas à la collectivité émettrice (SIREN {siren}, département {departement})")]
    ForeignAct { identifier: String, siren: String, departement: String },
    #[error("le message cite le fichier « {0} », absent du paquet")]
    MissingFile(String),
    #[error("le fichier « {0} » n'est cité par aucun message du paquet")]
    UnexpectedFile(String),
    #[error("le fichier « {0} » figure deux fois dans le paquet")]
    DuplicateFile(String),
    #[error("encodage « {0} » non pris en charge (UTF-8 ou ISO-8859-1 attendu)")]
    Encoding(String),
    #[error("XML mal formé : {0}")]
    Xml(String),
    #[error("l'élément racine « {0} » n'appartient pas à l'espace de noms @ctes")]
    Namespace(String),
    #[error("message @ctes inconnu : élément racine « {0} »")]
    UnknownMessage(String),
    #[error("« {root} » est un message {actual}, pas un message {expected}")]
    WrongDirection { root: String, actual: &'static str, expected: &'static str },
    #[error("« {name} » manque dans « {parent} »")]
    Missing { name: String, parent: String },
    #[error("valeur « {value} » invalide pour « {field} »")]
    Invalid { field: String, value: String },
    #[error("une anomalie d'enveloppe ne voyage pas dans un paquet : elle porte le nom de l'enveloppe refusée précédé de « ANO_ »")]
    EnvelopeAnomalyAlone,
    #[error("archive @ctes illisible : {0}")]
    Archive(String),
}
