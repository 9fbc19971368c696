/** The error body every API error answers with. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
  };
}
