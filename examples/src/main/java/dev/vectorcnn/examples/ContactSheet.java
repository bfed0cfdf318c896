package dev.vectorcnn.examples;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One overview picture of a demo: a title over a grid of captioned images, each row one input and
 * each column one stage (input, feature map, ...), every image at its real pixel size so that a
 * halved output looks halved.
 */
final class ContactSheet {

    /** One image of the grid with the caption written above it. */
    record Cell(String caption, BufferedImage image) {
    }

    private static final int MARGIN = 18;
    private static final int CAPTION_GAP = 6;

    private ContactSheet() {
    }

    /** Renders {@code rows} (all of the same length) under {@code title}. */
    static BufferedImage render(String title, List<List<Cell>> rows) {
        PngFiles.useHeadlessAwt();
        int columns = rows.get(0).size();
        int[] columnWidths = new int[columns];
        int[] rowHeights = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns; c++) {
                BufferedImage image = rows.get(r).get(c).image();
                columnWidths[c] = Math.max(columnWidths[c], image.getWidth());
                rowHeights[r] = Math.max(rowHeights[r], image.getHeight());
            }
        }
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 20);
        Font captionFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D probeGraphics = probe.createGraphics();
        FontMetrics titleMetrics = probeGraphics.getFontMetrics(titleFont);
        FontMetrics captionMetrics = probeGraphics.getFontMetrics(captionFont);
        probeGraphics.dispose();
        // Captions may be wider than small images: widen the column rather than clip the text.
        for (List<Cell> row : rows) {
            for (int c = 0; c < columns; c++) {
                columnWidths[c] = Math.max(columnWidths[c], captionMetrics.stringWidth(row.get(c).caption()));
            }
        }
        int captionHeight = captionMetrics.getHeight() + CAPTION_GAP;
        int titleHeight = titleMetrics.getHeight() + MARGIN;
        int width = MARGIN;
        for (int w : columnWidths) {
            width += w + MARGIN;
        }
        width = Math.max(width, titleMetrics.stringWidth(title) + 2 * MARGIN);
        int height = MARGIN + titleHeight;
        for (int h : rowHeights) {
            height += captionHeight + h + MARGIN;
        }

        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(0x22, 0x22, 0x22));
            g.setFont(titleFont);
            g.drawString(title, MARGIN, MARGIN + titleMetrics.getAscent());
            g.setFont(captionFont);
            int y = MARGIN + titleHeight;
            for (int r = 0; r < rows.size(); r++) {
                int x = MARGIN;
                for (int c = 0; c < columns; c++) {
                    Cell cell = rows.get(r).get(c);
                    g.setColor(new Color(0x44, 0x44, 0x44));
                    g.drawString(cell.caption(), x, y + captionMetrics.getAscent());
                    int top = y + captionHeight;
                    g.drawImage(cell.image(), x, top, null);
                    g.setColor(new Color(0xcc, 0xcc, 0xcc));
                    g.drawRect(x - 1, top - 1, cell.image().getWidth() + 1, cell.image().getHeight() + 1);
                    x += columnWidths[c] + MARGIN;
                }
                y += captionHeight + rowHeights[r] + MARGIN;
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
