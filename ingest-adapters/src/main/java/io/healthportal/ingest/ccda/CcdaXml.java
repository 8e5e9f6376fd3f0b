package io.healthportal.ingest.ccda;

import io.healthportal.ingest.pipeline.MappingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A C-CDA document parsed with the JDK's DOM, namespace aware and closed to XML attacks: a DOCTYPE is
 * refused outright (so no external or recursive entities, no XXE), XInclude is off and no external DTD or
 * schema is fetched. Navigation is by XPath with the {@code cda} prefix for {@code urn:hl7-org:v3}, and
 * by small element helpers. Plain Java.
 */
final class CcdaXml {

    static final String CDA = "urn:hl7-org:v3";
    static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private static final NamespaceContext NAMESPACES = new NamespaceContext() {
        @Override
        public String getNamespaceURI(String prefix) {
            return switch (prefix) {
                case "cda" -> CDA;
                case "xsi" -> XSI;
                case "sdtc" -> "urn:hl7-org:sdtc";
                default -> XMLConstants.NULL_NS_URI;
            };
        }

        @Override
        public String getPrefix(String namespaceUri) {
            return null;
        }

        @Override
        public Iterator<String> getPrefixes(String namespaceUri) {
            return List.<String>of().iterator();
        }
    };

    private final XPath xpath;
    private final Element root;

    private CcdaXml(Document document) {
        this.root = document.getDocumentElement();
        this.xpath = XPathFactory.newInstance().newXPath();
        this.xpath.setNamespaceContext(NAMESPACES);
    }

    static CcdaXml parse(byte[] payload) throws MappingException {
        Document document;
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            // The parser's default handler prints errors to stderr, where they could quote the payload.
            builder.setErrorHandler(new DefaultHandler());
            document = builder.parse(new ByteArrayInputStream(payload));
        } catch (SAXException e) {
            boolean doctype = e.getMessage() != null && e.getMessage().contains("DOCTYPE");
            throw new MappingException(
                    "INGEST-CCDA-PARSE",
                    doctype
                            ? "the document declares a DOCTYPE, which is refused (entities are not expanded)"
                            : "the payload is not well-formed XML");
        } catch (IOException | ParserConfigurationException e) {
            throw new MappingException("INGEST-CCDA-PARSE", "the payload could not be read as XML");
        }
        Element root = document.getDocumentElement();
        if (!CDA.equals(root.getNamespaceURI()) || !"ClinicalDocument".equals(root.getLocalName())) {
            throw new MappingException(
                    "INGEST-CCDA-NOT-CDA",
                    "the root element is not a ClinicalDocument in the urn:hl7-org:v3 namespace");
        }
        return new CcdaXml(document);
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }

    Element root() {
        return root;
    }

    /** Elements matching an XPath expression (prefix {@code cda}) from {@code context}. */
    List<Element> all(Node context, String expression) {
        try {
            NodeList nodes = (NodeList) xpath.evaluate(expression, context, XPathConstants.NODESET);
            List<Element> elements = new ArrayList<>(nodes.getLength());
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i) instanceof Element element) {
                    elements.add(element);
                }
            }
            return elements;
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException("bad XPath expression " + expression, e);
        }
    }

    Element first(Node context, String expression) {
        List<Element> found = all(context, expression);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The CDA child elements of {@code parent} with this local name. */
    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element
                    && CDA.equals(element.getNamespaceURI())
                    && name.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The attribute's value, or null when absent or blank. */
    static String attr(Element element, String name) {
        if (element == null || !element.hasAttribute(name)) {
            return null;
        }
        String value = element.getAttribute(name).strip();
        return value.isEmpty() ? null : value;
    }

    /** The element's {@code xsi:type} without its prefix (PQ, CD, ST, IVL_PQ, ...), or null. */
    static String xsiType(Element element) {
        if (element == null || !element.hasAttributeNS(XSI, "type")) {
            return null;
        }
        String type = element.getAttributeNS(XSI, "type");
        int colon = type.indexOf(':');
        return colon >= 0 ? type.substring(colon + 1) : type;
    }

    static String text(Element element) {
        if (element == null) {
            return null;
        }
        String text = element.getTextContent().strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? null : text;
    }

    /** Whether the element carries one of the template ids (the root, any extension). */
    static boolean hasTemplate(Element element, String... roots) {
        for (Element template : children(element, "templateId")) {
            String root = attr(template, "root");
            for (String wanted : roots) {
                if (wanted.equals(root)) {
                    return true;
                }
            }
        }
        return false;
    }
}
