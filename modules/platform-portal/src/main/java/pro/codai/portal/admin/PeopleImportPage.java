package pro.codai.portal.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;

import pro.codai.platform.account.PeopleImport;
import pro.codai.platform.account.PeopleImport.Change;
import pro.codai.platform.account.PeopleImport.Line;
import pro.codai.platform.account.PeopleImport.Report;
import pro.codai.portal.account.CurrentAccount;

/**
 * Importing people from a CSV file ({@code /admin/people-import.xhtml}): choose the file, read the
 * preview line by line (what changes, what is wrong), then apply it or choose another.
 */
@Named
@ViewScoped
public class PeopleImportPage implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject transient PeopleImport peopleImport;
    @Inject transient CurrentAccount account;

    private transient Part file;

    /** The previewed file's text and name, applied as they are when asked. */
    private String csv;

    private String fileName;
    private Report report;
    private boolean mailNewAccounts = true;

    /** Reads the chosen file and shows what applying it would do. */
    public void preview() {
        report = null;
        csv = null;
        if (file == null || file.getSize() == 0) {
            say(FacesMessage.SEVERITY_ERROR, "Choose a CSV file first.");
            return;
        }
        if (file.getSize() > PeopleImport.MAX_CHARS) {
            say(
                    FacesMessage.SEVERITY_ERROR,
                    "The file is larger than "
                            + PeopleImport.MAX_CHARS / 1024
                            + " KB; split it up.");
            return;
        }
        try (InputStream in = file.getInputStream()) {
            String text = PeopleImport.decode(in.readNBytes(PeopleImport.MAX_CHARS + 1));
            report = peopleImport.preview(text, account.subject());
            csv = text;
            fileName = file.getSubmittedFileName();
        } catch (PeopleImport.InvalidFileException e) {
            say(FacesMessage.SEVERITY_ERROR, e.getMessage());
        } catch (IOException e) {
            say(FacesMessage.SEVERITY_ERROR, "The file could not be read: " + e.getMessage());
        }
    }

    /** Applies the previewed file: every line that is right now. */
    public void apply() {
        if (csv == null) {
            say(FacesMessage.SEVERITY_ERROR, "Preview a file first.");
            return;
        }
        try {
            report = peopleImport.apply(csv, account.subject(), mailNewAccounts);
            csv = null;
            int skipped = report.count(Change.ERROR);
            say(
                    skipped == 0 ? FacesMessage.SEVERITY_INFO : FacesMessage.SEVERITY_WARN,
                    "Applied: " + report.summary() + (skipped == 0 ? "." : " (below)."));
        } catch (PeopleImport.InvalidFileException e) {
            say(FacesMessage.SEVERITY_ERROR, e.getMessage());
        }
    }

    /** Drops the preview, to choose another file. */
    public void cancel() {
        report = null;
        csv = null;
        fileName = null;
    }

    /** How a change reads on the page. */
    public String describe(Change change) {
        return switch (change) {
            case NEW_ACCOUNT -> "New account";
            case FROM_DIRECTORY -> "Added from the directory";
            case UPDATE -> "Changes";
            case NONE -> "No change";
            case ERROR -> "Skipped";
        };
    }

    public List<Change> getChanges() {
        return List.of(Change.values());
    }

    public Report getReport() {
        return report;
    }

    public List<Line> getErrors() {
        return report == null
                ? List.of()
                : report.lines().stream().filter(line -> line.change() == Change.ERROR).toList();
    }

    /** How many lines applying the preview would act on. */
    public int getToApply() {
        return report == null
                ? 0
                : report.lines().size() - report.count(Change.ERROR) - report.count(Change.NONE);
    }

    public boolean isPreviewed() {
        return csv != null && report != null;
    }

    public String getFileName() {
        return fileName;
    }

    public Part getFile() {
        return file;
    }

    public void setFile(Part file) {
        this.file = file;
    }

    public boolean isMailNewAccounts() {
        return mailNewAccounts;
    }

    public void setMailNewAccounts(boolean mailNewAccounts) {
        this.mailNewAccounts = mailNewAccounts;
    }

    private static void say(FacesMessage.Severity severity, String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
    }
}
