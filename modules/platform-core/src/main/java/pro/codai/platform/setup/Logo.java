package pro.codai.platform.setup;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The site's logo as uploaded: a PNG or an SVG of at most {@link #MAX_BYTES}. An SVG is refused,
 * not rewritten, when it could do more than draw: scripts, event handlers, {@code foreignObject},
 * links or references to anything outside itself, a DOCTYPE (entities). Served with its own strict
 * policy anyway ({@code /branding/logo}).
 *
 * <pre>{@code
 * Logo logo = Logo.check("crest.svg", bytes);
 * settings.put(SiteSettings.SITE_LOGO, logo.stored());
 * }</pre>
 */
public record Logo(String mediaType, byte[] bytes) implements java.io.Serializable {

    public static final int MAX_BYTES = 256 * 1024;

    private static final byte[] PNG_SIGNATURE = {
        (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
    };

    /** SVG elements a logo may use: shapes, text, gradients, grouping. Nothing else. */
    private static final Set<String> SVG_ELEMENTS =
            Set.of(
                    "svg",
                    "g",
                    "defs",
                    "title",
                    "desc",
                    "path",
                    "rect",
                    "circle",
                    "ellipse",
                    "line",
                    "polyline",
                    "polygon",
                    "text",
                    "tspan",
                    "lineargradient",
                    "radialgradient",
                    "stop",
                    "clippath",
                    "mask",
                    "symbol",
                    "use",
                    "style",
                    "metadata");

    public static Logo check(String fileName, byte[] bytes) throws InvalidSetupInput {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidSetupInput("The logo file is empty.");
        }
        if (bytes.length > MAX_BYTES) {
            throw new InvalidSetupInput(
                    "The logo is "
                            + (bytes.length / 1024)
                            + " KB; at most "
                            + (MAX_BYTES / 1024)
                            + " KB.");
        }
        if (startsWith(bytes, PNG_SIGNATURE)) {
            return new Logo("image/png", bytes);
        }
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg") || looksLikeXml(bytes)) {
            checkSvg(bytes);
            return new Logo("image/svg+xml", bytes);
        }
        throw new InvalidSetupInput("The logo must be a PNG or an SVG file.");
    }

    /** The logo as kept in the site settings: media type, a blank, base64. */
    public String stored() {
        return mediaType + " " + Base64.getEncoder().encodeToString(bytes);
    }

    /** The logo from its stored form. */
    public static Logo fromStored(String stored) {
        int blank = stored.indexOf(' ');
        return new Logo(
                stored.substring(0, blank),
                Base64.getDecoder().decode(stored.substring(blank + 1)));
    }

    private static void checkSvg(byte[] bytes) throws InvalidSetupInput {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.contains("<!DOCTYPE") || text.contains("<!ENTITY")) {
            throw new InvalidSetupInput("The SVG logo has a DOCTYPE; save it without one.");
        }
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            document = builder.parse(new ByteArrayInputStream(bytes));
        } catch (Exception e) {
            throw new InvalidSetupInput("The SVG logo is not well-formed XML.");
        }
        Element root = document.getDocumentElement();
        if (!"svg".equals(root.getLocalName())) {
            throw new InvalidSetupInput("The logo file is XML but not an SVG image.");
        }
        checkElement(root);
    }

    private static void checkElement(Element element) throws InvalidSetupInput {
        String name = element.getLocalName().toLowerCase(Locale.ROOT);
        if (!SVG_ELEMENTS.contains(name)) {
            throw new InvalidSetupInput(
                    "The SVG logo has a <"
                            + element.getLocalName()
                            + "> element; a logo may hold only shapes, text and gradients.");
        }
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            String attributeName =
                    (attribute.getLocalName() == null
                                    ? attribute.getName()
                                    : attribute.getLocalName())
                            .toLowerCase(Locale.ROOT);
            String value = attribute.getValue().trim().toLowerCase(Locale.ROOT);
            if (attributeName.startsWith("on")) {
                throw new InvalidSetupInput(
                        "The SVG logo has an event handler ("
                                + attribute.getName()
                                + "); a logo may not run scripts.");
            }
            if ((attributeName.equals("href") && !value.startsWith("#"))
                    || value.contains("url(") && !value.matches("url\\(\\s*#[^)]*\\)")
                    || value.contains("javascript:")) {
                throw new InvalidSetupInput(
                        "The SVG logo refers to something outside itself ("
                                + attribute.getName()
                                + "); embed everything in the file.");
            }
        }
        if (name.equals("style")
                && element.getTextContent()
                        .toLowerCase(Locale.ROOT)
                        .matches("(?s).*(@import|url\\().*")) {
            throw new InvalidSetupInput(
                    "The SVG logo's style loads something from outside; embed everything.");
        }
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                checkElement((Element) child);
            } else if (child.getNodeType() == Node.PROCESSING_INSTRUCTION_NODE) {
                throw new InvalidSetupInput("The SVG logo has a processing instruction.");
            }
        }
    }

    private static boolean looksLikeXml(byte[] bytes) {
        String start =
                new String(bytes, 0, Math.min(bytes.length, 256), StandardCharsets.UTF_8).strip();
        return start.startsWith("<?xml") || start.startsWith("<svg");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
