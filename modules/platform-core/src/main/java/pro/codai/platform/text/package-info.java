/** Bytes read as text, the same way wherever the appliance reads them. */
package pro.codai.platform.text;
