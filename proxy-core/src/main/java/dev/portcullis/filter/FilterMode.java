package dev.portcullis.filter;

/** Whether a filter's blocking verdicts are carried out or only reported. */
public enum FilterMode {
    /** A blocking verdict is answered to the client. */
    ENFORCE,
    /**
     * A blocking verdict is counted and logged as "would block", and the request goes on: the way
     * to roll a protection out without breaking anyone.
     */
    REPORT_ONLY
}
