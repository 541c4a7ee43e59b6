/**
 * The QR code of a text, as rows of modules (true: dark), for a phone's camera to open a link. Only the panels that
 * show a link import this, so the encoder never weighs on the first page.
 */
export async function qrModules(text: string): Promise<boolean[][]> {
  const { encode } = await import('uqr');
  return encode(text, { ecc: 'M', border: 0 }).data;
}
