use super::choice::choice_enum;

choice_enum! {
    /// What happened to a request, as its timeline records it.
    pub enum EventKind {
        Received = "received",
        Withdrawn = "withdrawn",
        IdentityCheckStarted = "identity_check_started",
        ProcessingStarted = "processing_started",
        InformationRequested = "information_requested",
        ClarificationRequested = "clarification_requested",
        SubjectAnswered = "subject_answered",
        SubjectMessage = "subject_message",
        DpoMessage = "dpo_message",
        Extended = "extended",
        Completed = "completed",
        Refused = "refused",
        Assigned = "assigned",
        NoteAdded = "note_added",
        FileAttached = "file_attached",
        Reminded = "reminded",
        RestrictionLifted = "restriction_lifted",
        RecipientTold = "recipient_told",
        TestMarked = "test_marked",
        LetterPosted = "letter_posted",
        FileRemoved = "file_removed",
        FileSharedAgain = "file_shared_again",
        ContactCorrected = "contact_corrected",
        EmailConfirmed = "email_confirmed",
        /// A copy of an identity document deleted once identity was
        /// confirmed or the request closed (its SHA-256 stays in the audit).
        IdentityDocumentDeleted = "identity_document_deleted",
        /// The subject was asked to confirm who acts for them.
        SubjectAskedToConfirm = "subject_asked_to_confirm",
        /// Linked to another request of the same person.
        Linked = "linked",
        /// The answer, held by the DPO's choice to go with the linked
        /// requests' answers, left (`requests::together`).
        AnswerReleased = "answer_released",
    }
}

choice_enum! {
    /// Who made a change: the data subject, a DPO (whose account is stored
    /// beside), or the portal itself.
    pub enum Actor {
        Subject = "subject",
        Dpo = "dpo",
        System = "system",
    }
}
