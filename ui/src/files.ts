// Files the person picks or the app saves: read as base64 for the backend, offered back as
// download links.
import type { SavedFile, TableFormat } from "./backend";

/** A picked file's bytes as base64 (no data: prefix). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error("the file cannot be read"));
    reader.readAsDataURL(file);
  });
}

const TYPES: Record<TableFormat, string> = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** Where a saved export went, and a link that downloads it. */
export function savedLink(file: SavedFile, format: TableFormat): { path: string; href: string } {
  return { path: file.path, href: `data:${TYPES[format]};base64,${file.data_base64}` };
}
