// The reviews VirtualService the CLI's tests and benches edit: v1 and v2 split by weight, with a
// comment on the first line and one on the stable weight that an edit must keep.

export function reviewsRoute(stable: number, comment: string, name = 'reviews'): string {
  return `# ${comment}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: { host: reviews, subset: v1 }
          weight: ${stable} # stable
        - destination: { host: reviews, subset: v2 }
          weight: ${100 - stable}
`;
}
